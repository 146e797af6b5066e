# Host facts in English (src/host/**): service states, why a fact is unknown, what a tool
# said, nginx's configuration, the firewall, disks, SELinux. See locales/GLOSSARY.md.

## Shared pieces.
host-sep-comma = {", "}
host-sep-semi = {"; "}
host-hint-sudo = needs root: run with sudo
host-needs-root-because = needs root: { $message }
host-cannot-read = cannot read { $path }: { $error }
host-bad-json = { $source }: bad JSON: { $error }
host-unknown-hint = { $reason } ({ $hint })

## Service states and the words of the host's enums (host/services.rs, host/words.rs).
host-state-active = active
host-state-activating = activating
host-state-deactivating = deactivating
host-state-restarting = restarting
host-state-inactive = inactive
host-state-failed = failed
host-state-exited-code = exited({ $code })
host-state-exited = exited
host-state-unknown = unknown
host-target-listening = listening
host-target-other_address = the port listens on another address only
host-target-no_listener = nothing listens on that port
host-target-unix_present = the unix socket exists
host-target-unix_missing = the unix socket is missing
host-target-remote = not on this box (probe it over the network)
host-target-unresolved = a name or variable, not mapped without resolving it
host-answered-none = no service manager
host-origin-files = the files on disk
host-origin-test-only = nginx -t alone (the files could not be analysed)
host-level-default = nginx default
host-level-http = http block
host-level-server = server block
host-level-location = location block
host-selinux-absent = not installed

## Running tools (host/cmd.rs).
host-cmd-empty = empty command line
host-cmd-not-installed = { $program } not installed (not found in PATH)
host-cmd-permission = permission denied running { $program }
host-cmd-cannot-run = cannot run { $program }: { $error }
host-cmd-timeout = { $tool } timed out after { $after }
host-cmd-timeout-hint = the tool hangs or the box is overloaded; try again or raise the timeout
host-cmd-failed = { $tool } failed: { $error }
host-cmd-python-module = { $interp } { $option } runs a module looked up through sys.path (the current folder first)
host-cmd-no-file = { $interp } { $option } without a file
host-cmd-untrusted-hint = triage502 runs only programs and scripts that root (or the user they run as) owns and nobody else can write: fix the owner and mode (chown root:, chmod go-w), or name another program
host-cmd-run-by = { $error } (run by { $name })
host-cmd-refusing = refusing `{ $name }`: { $why }
host-cmd-refusing-env-s = refusing `{ $name } -S`: the program it starts is hidden in one string

## Collecting the snapshot (host/mod.rs).
host-collect-timeout = { $what } timed out after { $after }
host-collect-timeout-hint = the box may be overloaded; the next refresh tries again
host-collect-failed = collector failed: { $error }
host-collect-nginx-unknown = nginx configuration unknown
host-collect-sockets-unknown = listening sockets unknown
host-what-sockets = reading sockets
host-what-processes = sampling processes
host-what-memory = reading memory
host-what-kernel-log = reading the kernel log
host-what-services = querying services
host-what-firewall = reading the firewall
host-what-selinux = reading SELinux
host-what-disk = measuring disk space
host-what-nginx = reading the nginx configuration

## Services (host/services.rs, host/service_tail.rs, host/supervisor_rpc.rs).
host-svc-unit-not-found = systemd unit { $unit } not found
host-svc-no-activestate = systemctl show { $unit }: no ActiveState
host-svc-name-refused = not asking the service manager: { $error }
host-svc-name-refused-hint = fix the service's name or unit in the config
host-svc-no-such-program = supervisord has no such program { $program } (it has: { $names })
host-svc-none = none
host-svc-no-such-program-hint = set the service's supervisor_program (group:name as supervisorctl prints it)
host-svc-no-output = no output
host-svc-supervisord-down-hint = supervisord is not running, or give its config (supervisorctl -c FILE)
host-svc-container-not-found = docker container { $container } not found
host-svc-docker-sudo-hint = needs root or the docker group: run with sudo
host-svc-docker-down-hint = the docker daemon is not running
host-svc-no-systemd = no systemd
host-svc-no-supervisorctl = no supervisorctl
host-svc-no-docker = no docker
host-tail-journal-unread = journal not read: { $why }
host-tail-docker-unread = docker logs not read: { $why }
host-rpc-no-socket = no supervisord socket without a password in its config
host-rpc-at = supervisord at { $socket }: { $what }
host-rpc-no-answer = no answer within { $after }
host-rpc-not-http = not an HTTP answer
host-rpc-answered = answered { $status }
host-rpc-log-source = supervisor { $stream } log of { $unit }
host-rpc-log-empty = the { $stream } log of { $unit } is empty
host-rpc-log-error = supervisord's { $stream } log of { $unit }: { $error }
host-rpc-unparsable = answer does not parse: { $error }
host-rpc-no-text = no text in the answer
host-rpc-fault-text = supervisord answered with a fault: { $text }
host-rpc-fault = supervisord answered with a fault
host-rpc-output-unread = output not read: { $why }
host-rpc-cut-short = answer cut short
host-rpc-no-name = a program without a name
host-rpc-unknown-state = unknown state { $state }

## Processes, memory, OOM kills (host/process.rs).
host-proc-poisoned = process sampler poisoned by an earlier panic
host-proc-cannot-read = cannot read processes: { $error }
host-mem-no-total = /proc/meminfo has no MemTotal
host-oom-since = since { $since }
host-oom-since-boot = since boot (kernel ring buffer)
host-oom-kmsg-failed = kmsg reader failed: { $error }
host-oom-unreadable = kernel log not readable ({ $why })

## Listening sockets (host/sockets.rs).
host-sock-proc-net = cannot read /proc/net: { $errors }
host-sock-proc-net-hint = is /proc mounted?
host-sock-owner-hidden = not visible without root
host-sock-owner-none = no process holds it (kernel socket, or the process just exited)

## Disks (host/disk.rs).
host-disk-cache = Document Server cache (storage.fs.folderPath, { $from })
host-disk-cache-short = Document Server cache
host-disk-logs = Document Server logs
host-disk-tmp = temporary files (x2t)
host-disk-tmp-short = temporary files
host-disk-label = { $mount } ({ $holds })
host-disk-cannot-read-root = cannot read { $path }: { $error } (run as root to read it)

## Firewall (host/firewall/).
host-fw-nft-detail = { $rules } rules in { $chains } base chains
host-fw-rules = { $rules } rules
host-fw-zone = zone { $zone }
host-fw-nft-not-json = nft -j output is not JSON: { $error }
host-fw-nft-no-array = nft -j output has no "nftables" array

## SELinux (host/selinux.rs).
host-selinux-from-fs = read from /sys/fs/selinux
host-selinux-unmounted = selinuxfs not mounted; /etc/selinux/config says SELINUX={ $set }
host-selinux-not-present = not present

## nginx (host/nginx/, host/nginx_conf.rs).
host-nginx-no-servers = no http server blocks found
host-nginx-test-failed = nginx configuration test failed
host-nginx-test-sudo-hint = needs root to open some files: run with sudo
host-nginx-dump-unparsable = cannot parse nginx -T output: { $error }
host-nginx-reader-failed = config reader failed: { $error }
host-nginx-files-not-analysed = configuration files not analysed: { $error }
host-nginx-config-path-hint = give the configuration path (nginx -c) in the triage502 config
host-nginx-files-after-notrun = { $why }; { $error }
host-nginx-files-after-failed = nginx -T failed: { $message }; { $error }
host-nginx-location-undecidable = location { $modifier } { $path } ({ $at }) cannot be evaluated here: { $error }
host-nginx-dual-stack = listener on [::] accepts IPv4 too unless it set IPV6_V6ONLY (net.ipv6.bindv6only)
host-nginx-other-address = nginx connects to { $target } but the port is bound on { $bound } only
host-nginx-remote = not an address of this box; the TCP probe checks it
host-nginx-no-upstream = no upstream block named { $name }
host-nginx-variables = contains variables: resolved per request
host-nginx-nested-upstream = nested upstream name
host-nginx-host-name = host name: the DNS probe resolves it
host-conf-parse-error = { $message } in { $file }:{ $line }
host-conf-unterminated-quote = unterminated { $quote }quoted string
host-conf-unterminated = unterminated string
host-conf-unexpected-semi = unexpected ";"
host-conf-unexpected-open = unexpected "{"{"}"
host-conf-unexpected-close-semi = unexpected "{"}"}" (missing ";"?)
host-conf-unexpected-close = unexpected "{"}"}"
host-conf-eof-semi = unexpected end of file, expecting ";" or "{"}"}"
host-conf-eof-close = unexpected end of file, expecting "{"}"}"
host-conf-not-in-dump = { $path } is not in the nginx -T dump
host-conf-read-denied = cannot read { $path }: permission denied (run with sudo)
host-conf-more-warnings = more warnings left out
host-conf-too-large = { $at }: configuration too large after includes; the rest is left out
host-conf-too-deep = { $at }: include nested too deep
host-conf-include-missing = { $at }: included file { $path } not found
host-conf-include-loop = { $at }: { $path } includes itself (loop), skipped

## Readiness facts (host/readiness.rs).
host-ready-no-supervisor-config = no supervisord config found
host-ready-no-section = no [{ $section }] section in { $files }
host-ready-no-section-hint = run as root if the supervisor configs are not readable
host-ready-no-logrotate = no /etc/logrotate.conf and no /etc/logrotate.d: logrotate is not set up here
host-ready-name-refused = not asking the service manager about this name
host-ready-supervisor-failed = reading the supervisor config failed
host-ready-no-manager = no service manager knows this service
host-cmd-what-program = program
host-cmd-what-script = script
