# Configuration, file safety and discovery messages (src/config, src/fsafe.rs, src/util.rs,
# src/discover). English texts are byte-identical to the former literals.

## Loading the config (config/mod.rs).
config-source-embedded = embedded profile '{ $name }'
config-source-generic = generic profile (command line)
config-source-discovered = found on this box, no config file
config-usage-both-urls = --proxy-url and --app-url
config-usage-generic-with-config = { $what } cannot be combined with --config { $file }: the generic profile is built from the command line; drop --config, or describe the chain in that file
config-usage-urls-imply-generic = { $urls } imply --profile generic and cannot be combined with --profile { $profile }
config-usage-url-implies-generic = { $urls } implies --profile generic and cannot be combined with --profile { $profile }
config-usage-expect-status = --app-expect-status applies to the generic profile (with --proxy-url and --app-url)
config-unknown-profile = unknown profile '{ $profile }'
config-unknown-profile-hint = profiles: onlyoffice, generic
config-file-what = config file
config-file-untrusted-hint = a config names programs triage502 runs; make it belong to root (or to you) and writable by nobody else, or point --config at one that is
config-cannot-read = cannot read config: { $error }
config-not-utf8 = not UTF-8 text (invalid byte at offset { $offset })
config-not-utf8-hint = a TOML config must be UTF-8
config-cannot-render = cannot render config: { $error }

## Config problems and their hints (config/validate.rs).
config-problem-hint = hint: { $hint }
config-did-you-mean = did you mean `{ $name }`?
config-valid-here = valid here: { $names }
config-hint-remove = remove it
config-hint-type = check the value's type: strings in quotes, numbers without
config-hint-add-field = add the field
config-hint-example = e.g. { $example }
config-service-name-empty = empty service name
config-service-name-dash = service name '{ $name }' starts with '-': a service manager would read it as an option
config-service-name-long = service name '{ $name }' is longer than { $max } characters
config-service-name-char = service name '{ $name }' holds '{ $char }', which is not allowed
config-service-name-hint = use letters, digits and @ . _ - : + only, not starting with '-' (e.g. ds-docservice, ds:converter)
config-hop-name-empty = a hop has an empty name
config-hop-name-empty-hint = give every [[hop]] a short unique name
config-hop-name-twice = hop name '{ $name }' is used twice
config-hop-name-twice-hint = hop names must be unique
config-hop-needs-url = hop '{ $name }' ({ $kind }) needs `url`
config-hop-bad-url = hop '{ $name }': url { $error }
config-hop-bad-url-hint = use http://host[:port]/path or https://...
config-hop-needs-target = hop '{ $name }' ({ $kind }) needs `target`
config-hop-target-not-host-port = hop '{ $name }': target '{ $target }' is not host:port
config-hop-target-hint = e.g. target = "127.0.0.1:8000" or "[::1]:443"
config-hop-ca-file-not-tls = hop '{ $name }': ca_file applies to tls hops and https URLs only
config-hop-ca-file-not-tls-hint = remove ca_file, or use an https:// URL
config-hop-ca-file-hint = a PEM file of the CA's certificate, owned by root (or you) and writable by nobody else (whoever writes it decides what is trusted)
config-hop-timeout-zero = hop '{ $name }': timeout_ms is 0
config-hop-timeout-zero-hint = use a timeout of at least 100 ms
config-hop-unknown-service = hop '{ $name }' names unknown service '{ $service }'
config-hop-unknown-service-hint = add a [[service]] with that name
config-action-empty-argv = action '{ $id }' has an empty argv
config-action-empty-argv-hint = argv = ["/usr/bin/program", "arg"] (no shell: one word per element)
config-action-id-twice = action id '{ $id }' is used twice
config-action-id-twice-hint = action ids must be unique
config-keys-hint = see `triage502 --help` and the README's key table
config-unknown-theme = unknown theme '{ $theme }'
config-themes = themes: { $names }
config-unknown-lang = unknown language '{ $lang }'
config-unknown-lang-hint = languages: en, zh-CN
config-probe-interval-short = probe.interval_ms = { $ms } is too short
config-probe-interval-short-hint = use at least 100 ms (default 2000)
config-probe-timeout-zero = probe.timeout_ms is 0
config-probe-timeout-zero-hint = use at least 100 ms (default 3000)

## The fingerprint key of masked secrets (config/secret.rs).
secret-key-no-folder = no folder for the fingerprint key; using a key for this run
secret-key-this-run = { $error }; fingerprints are computed with a key for this run only
secret-key-folder-refused = fingerprint key folder refused: { $error }
secret-key-write-failed = cannot write '{ $path }': { $error }
secret-key-create-failed = cannot create the fingerprint key: { $error }
secret-key-vanished = fingerprint key '{ $path }' vanished
secret-key-create-path-failed = cannot create the fingerprint key '{ $path }': { $error }
secret-key-refused = fingerprint key '{ $path }' refused: { $why }
secret-key-owner = it belongs to { $owner }, not to { $me }
secret-key-mode = others may read or write it (mode { $mode }, expected 600)
secret-key-length = it has { $bytes } bytes, not { $expected }

## File safety: what may decide what runs, what is written, what is read (fsafe.rs).
fsafe-what-error = { $what } '{ $path }': { $error }
fsafe-owner-root-or = root or { $user }
fsafe-refuse-owner = refusing { $what } '{ $path }': it belongs to { $owner }, not to { $allowed }; anyone who owns it could make triage502 run their commands as { $me }
fsafe-refuse-writable = refusing { $what } '{ $path }': it belongs to { $owner } but is writable by group or others (mode { $mode }); run `chmod go-w { $real }`
fsafe-refuse = refusing { $what } '{ $path }': { $why }
fsafe-folder-owner = its folder '{ $dir }' belongs to { $owner }, who could replace it
fsafe-folder-writable = its folder '{ $dir }' is writable by group or others (mode { $mode }) and not sticky; another user could replace it
fsafe-private-not-folder = '{ $path }' exists and is not a folder (a symlink or a file); remove it or pick another
fsafe-private-owner = '{ $path }' belongs to { $owner }, not to you ({ $me }); remove it or pick another
fsafe-private-writable = '{ $path }' is writable by group or others (mode { $mode }); run `chmod go-w { $path }` or pick another
fsafe-parent-symlink = '{ $path }': the symlink '{ $link }' on its path belongs to { $owner }, who could point it elsewhere
fsafe-cannot-create = cannot create '{ $path }': { $error }
fsafe-write-folder-error = cannot write '{ $path }': folder '{ $dir }': { $error }
fsafe-write-refused = refusing to write '{ $path }': { $why }
fsafe-write-symlink = refusing to write '{ $path }': it is a symlink
fsafe-write-exists = '{ $path }' exists already; not overwriting it
fsafe-write-error = cannot write '{ $path }': { $error }
fsafe-write-not-regular = refusing to write '{ $path }': it is not a regular file
fsafe-write-owner = refusing to write '{ $path }': it belongs to { $owner }, not to you
fsafe-write-hard-links = refusing to write '{ $path }': it has { $links } hard links (another name could point at a file you did not mean)
fsafe-read-symlink = is a symlink (not followed)
fsafe-read-not-regular = is a { $kind }, not a regular file
fsafe-read-not-opened = { $why } (not opened: reading it could block or never end)
fsafe-kind-folder = folder
fsafe-kind-fifo = FIFO
fsafe-kind-socket = socket
fsafe-kind-device = device
fsafe-kind-symlink = symlink
fsafe-kind-regular = regular file

## URLs and I/O errors (util.rs).
util-url-invalid = '{ $url }' is not a URL ({ $error })
util-url-scheme = '{ $url }' must start with http:// or https://
util-url-no-host = '{ $url }' has no host
util-url-no-port = '{ $url }' has no port
util-io-not-found = no such file or directory
util-io-permission-denied = permission denied
util-io-hint-sudo = run as root (sudo triage502 ...) or make the file readable
util-io-hint-path = check the path in the config
util-runtime-failed = cannot start the async runtime: { $error }

## Discovery: what it found where, what it could not read and why (discover/*.rs).
discover-pid-env-bad = { $setting } is not a pid
discover-why-nothing = no nginx master fronting one, no Document Server process or container
discover-stopped = discovery stopped unexpectedly
discover-src-container = container { $name } ({ $image })
discover-src-container-port = { $container }: its port 80 published on { $port }
discover-src-container-logs = { $container }: /var/log/onlyoffice volume
discover-what-master = nginx master { $pid }
discover-pid-env-no-master = { $env }: no nginx master with that pid
discover-master-foreign = runs in another mount namespace (a container): not read
discover-what-masters = nginx masters
discover-masters-many = { $count } running; the first { $max } read
discover-what-discovery = discovery
discover-timeout = not finished within { $duration }: give a config file
discover-what-sockets = listening sockets
discover-what-environments = environment of { $count } listening processes
discover-environments-hidden = a Document Server among them is known only by its executable
discover-master-fronts-none = that nginx master fronts no Document Server
discover-master-also-fronts = also fronts a Document Server ({ $at }); not used: set { $setting } to use it
discover-what-integrator = integrator settings
discover-src-proxy-pass-owner = proxy_pass at { $at }; listener owner { $owner }
discover-what-ds-port = Document Server on port { $port }
discover-ds-port-other = pid { $pid } listens there but is not recognised as one
discover-ds-port-down-found = nothing listens there now: its service found by name
discover-ds-port-down-unknown = nothing listens there now: its process, settings and service are unknown
discover-src-proxy-pass-and = proxy_pass at { $at }; { $source }
discover-src-proxy-pass = proxy_pass at { $at }
discover-what-nginx-service = nginx's service
discover-src-nginx-master = nginx master pid { $pid } (read with { $how })
discover-what-ds-service = the Document Server's service
discover-src-beside-logs = beside the log files of { $service }
discover-src-package-logs = the packages' log folder
discover-what-ds-logs = Document Server logs
discover-ds-logs-none = no program log of its service and no /var/log/onlyoffice/documentserver
discover-what-ds-settings = Document Server settings
discover-default-json-missing = not there: only the dependencies local.json names are known
discover-what-dep-service = { $name }'s service
discover-dep-not-listening = nothing listens on port { $port } here
discover-none-using-profile = discovery found no Document Server ({ $why }); using the embedded onlyoffice profile
discover-none = discovery found no Document Server on this box: { $why }
discover-config-name = discovered config
discover-config-bug = the discovered config does not load (a bug): { $error }
discover-show-config-heading = the config it makes (triage502 config init --discover FILE writes it):
discover-src-integrator-url = the integrator's DocumentServerUrl
discover-src-server-block = server block { $at }
discover-src-listen = listen of server block { $at }
discover-src-tls = { $listen } (ssl; certificate { $cert })
discover-src-command = the Document Server's command service at { $base }
discover-src-websocket = the editor's WebSocket through { $base }
discover-docker-not-array = not an array
discover-docker-no-socket = no { $socket }: no Docker daemon
discover-settings-too-large = { $path }: larger than { $max } bytes
discover-settings-bad-json = { $path }: does not parse: { $error }
discover-src-node-config-dir = pid { $pid }: NODE_CONFIG_DIR={ $dir } holds the Document Server's settings
discover-src-executable = pid { $pid }: executable { $exe }
discover-src-merged = { $key } (settings merged over default.json)
discover-src-sql = { $key } (type { $kind }, dbHost { $host }, dbPort { $port }, password not shown)
discover-src-redis = { $key } (host { $host }, port { $port })
discover-why-named-docservice = ({ $state }) is named as the Document Server's docservice
discover-src-unit-file = systemd unit file { $file }
discover-src-cgroup-container = cgroup of pid { $pid }: container { $container }
discover-src-cgroup-unit = systemd unit { $unit } (cgroup of pid { $pid })
discover-no-manager = pid { $pid }: no supervisord among its parents and no systemd unit in its cgroup
discover-supervisord-no-program = supervisord { $sup } ({ $conf }) runs no program holding pid { $pid }
discover-why-holds-pid = holds pid { $pid }
discover-src-supervisord-program = supervisord pid { $sup } ({ $conf }): program { $program } { $why }
discover-supervisord-relative-config = supervisord { $sup }: relative config { $conf }
discover-supervisord-no-config = supervisord { $sup }: no -c and no default config
discover-supervisord-foreign = supervisord { $sup } runs as { $user }: not asked
discover-what-supervisord-config = supervisord config
discover-master-foreign-user = the master runs as { $user }: its configuration is not run as ours
discover-master-error = master { $pid }: { $error }
discover-what-nginx-config = nginx configuration
discover-nginx-t-unparsed = cannot parse nginx -T output: { $error }
discover-nginx-t-empty = nginx -T printed no configuration
discover-nginx-t-failed = nginx -T failed: { $error }
discover-reader-failed = config reader failed: { $error }
discover-files-failed = { $why }; files: { $error }
discover-how-files = the files ({ $why })
discover-because-upstream = proxies to a Document Server's upstream name or port
discover-because-locations = has the Document Server's locations
discover-because-site-file = is in the Document Server's site file
discover-src-dash-e = -e of nginx master { $pid }

## The discovered config's comments and `config show --discover` (discover/render.rs).
discover-config-head-1 = triage502 config written by `triage502 config init --discover` from what runs on
discover-config-head-2 = this box. Each hop and service says where it was found; edit freely.
discover-not-found-heading = Not found or not read:
discover-config-found = found: { $source }
discover-show-summary = Discovered in { $ms } ms: { $hops } hops, { $services } services, { $logs } log files
discover-show-found = Found:
discover-show-none = no Document Server found on this box ({ $ms } ms)

## The `[fleet]` table's problems and hints (config/fleet.rs).
config-fleet-destination-empty = an empty destination
config-fleet-destination-dash = destination '{ $destination }' starts with '-' (ssh would take it for an option)
config-fleet-destination-space = destination '{ $destination }' holds a space or a control character
config-fleet-host-problem = [[fleet.host]]: { $problem }
config-fleet-destination-hint = write it as ssh takes it: host, user@host or ssh://user@host:port
config-fleet-host-empty = [[fleet.host]] { $destination }: { $what } is empty
config-fleet-host-empty-hint = remove `{ $what }` or give the path on that host
config-fleet-ssh-option-bad = [fleet] ssh_options: '{ $option }' is not Key=value
config-fleet-ssh-option-hint = each is what follows `ssh -o`, e.g. "Port=2222"
config-fleet-bounds-zero = [fleet] concurrency, timeout_s and connect_timeout_s must be at least 1
config-fleet-bounds-zero-hint = remove them for the defaults (8, 60, 10)

## The generic profile's problems (config/generic.rs).
config-generic-hint = e.g. --profile generic --proxy-url https://example.org/ --app-url http://127.0.0.1:3000/
config-generic-needs-url = the generic profile needs { $flag }
config-generic-bad-url = { $flag }: { $error }

## The `[watch]` and `[[alert]]` problems and hints (config/watch.rs).
config-watch-hold-rounds-zero = [watch] hold_rounds must be at least 1
config-watch-hold-rounds-hint = 1 alerts on the first round a finding is seen; 2 (the default) rides out one odd round
config-watch-silence-empty = [[watch.silence]] finding is empty
config-watch-silence-empty-hint = a finding id such as service_down, or all
config-watch-name-unusable = [[alert]] name '{ $name }' is not usable
config-watch-name-unusable-hint = 1 to { $max } letters, digits, '-', '_' or '.'
config-watch-name-twice = [[alert]] name '{ $name }' is used twice
config-watch-name-twice-hint = each receiver needs its own name
config-watch-command-needs-argv = [[alert]] '{ $name }': a command receiver needs argv and no url
config-watch-url-not-http = [[alert]] '{ $name }': url is not an http(s) URL
config-watch-url-not-http-hint = the URL the service gave for its webhook, https://…
config-watch-needs-url = [[alert]] '{ $name }': a { $kind } receiver needs url and no argv
config-watch-needs-url-hint = url = "https://…" (the webhook address the service gave)
config-watch-secret-kind = [[alert]] '{ $name }': secret is for dingtalk and feishu receivers
config-watch-secret-kind-hint = remove it, or put a token where the service expects it (in the url)
