# Recovery actions: titles, previews, results (actions/).
# See locales/GLOSSARY.md.

## The preview (actions/mod.rs)

action-preview-addresses = addresses: { $fixes }
action-preview-plan = plan: { $note }
action-preview-danger = DANGER: { $danger }
action-preview-precheck = precheck: { $command }   ({ $purpose })
action-preview-precheck-root = precheck (root): { $command }   ({ $purpose })
action-preview-step = step { $n }: { $command }   ({ $purpose })
action-preview-step-root = step { $n } (root): { $command }   ({ $purpose })

## How a run ended, and what re-probing said (actions/mod.rs)

action-status-succeeded = succeeded
action-status-failed = failed: { $why }
action-status-refused = refused: { $why }
action-status-timed_out = timed out after { $ms } ms and was killed
action-status-cancelled = cancelled; the command was killed
action-verify-fixed = fixed
action-verify-still_failing = still failing: { $what }
action-verify-not_verified = not verified ({ $why })
action-summary = action { $id }: { $status }; { $verification }

## The catalogue (actions/catalogue.rs): how a backend was chosen

action-note-backend-config = backend { $backend } (config)
action-note-auto-systemd = backend auto → systemd (systemd is running; not yet asked)
action-note-auto-supervisor_config = backend auto → supervisor (supervisor_config is set; not yet asked)
action-note-auto-supervisorctl = backend auto → supervisor (supervisorctl installed; not yet asked)
action-note-auto-docker = backend auto → docker (docker installed; not yet asked)
action-note-auto-none = backend auto: no service manager found; assuming systemd
action-note-asked = backend { $configured } → { $backend } (it knows { $unit })
action-note-not-asked = backend { $configured }: the managers could not be asked ({ $why }); trying { $backend }
action-note-firewall = firewall: { $firewall }
action-note-nginx-unmanaged = nginx is not a known systemd/supervisor/docker service here: nginx -s reload
action-note-nginx-unknown = no service manager knows nginx ({ $why }): nginx -s reload

## Service actions

action-purpose-systemctl = systemctl { $verb } the unit
action-purpose-supervisorctl = supervisorctl { $verb } the program
action-purpose-docker = docker { $verb } the container
action-restart-title = Restart { $name } ({ $backend })
action-restart-description = Restarts { $name }. Expected to fix: the service is down, hung or crash-looping, so the proxy gets refused or timed-out connections from it (502/504).
action-start-title = Start { $name } ({ $backend })
action-start-description = Starts { $name }. Expected to fix: the service is stopped, so nothing listens on its port (connection refused → 502).
action-stop-title = Stop { $name } ({ $backend })
action-stop-description = Stops { $name }. Fixes nothing by itself: use it to take a misbehaving service out before a start; its hops will fail while it is stopped.

## Reloading nginx

action-purpose-reload-systemctl = systemctl reload: nginx re-reads its configuration
action-purpose-reload-supervisor = SIGHUP through supervisor: nginx re-reads its configuration
action-purpose-reload-docker = SIGHUP to the container: nginx re-reads its configuration
action-purpose-reload-nginx = nginx -s reload: the master re-reads its configuration
action-purpose-nginx-test = nginx -t: refuse to reload a broken configuration
action-reload-nginx-title = Reload nginx
action-reload-nginx-description = Tests the configuration with nginx -t, then reloads nginx without dropping connections. Expected to fix: a corrected proxy_pass / upstream / buffer setting that was not loaded yet. Refused when nginx -t fails.

## The firewall

action-purpose-firewalld-reload = reload the permanent firewalld configuration
action-purpose-ufw-reload = reload the ufw rules
action-purpose-nft-load = load the saved nftables ruleset
action-purpose-nft-check = nft -c: refuse to load a ruleset that does not parse
action-purpose-iptables-restore = restore the saved iptables rules
action-purpose-iptables-test = iptables-restore --test: refuse rules that do not parse
action-reload-firewall-title = Reload the firewall ({ $firewall })
action-reload-firewall-description = Reloads the saved firewall configuration, dropping rules added at runtime. Expected to fix: a stray DROP (connect timeouts → 504) or REJECT (refused → 502) between nginx and its upstream.
action-purpose-open-runtime = runtime: open now (lost on reload)
action-purpose-open-permanent = permanent: keep it open after a reload or reboot
action-purpose-open-ufw = runtime and permanent (ufw saves it)
action-purpose-open-iptables = runtime only: save it to /etc/iptables/rules.v4 to keep it
action-open-port-title = Open port { $port } ({ $firewall })
action-open-port-description = Allows incoming TCP connections to port { $port }. Expected to fix: the firewall drops or rejects connections to a port of the chain.

## SELinux, custom actions

action-selinux-title = Allow nginx to connect to the network (SELinux)
action-selinux-description = Sets the SELinux boolean httpd_can_network_connect permanently. Expected to fix: nginx's connect() to the upstream fails with (13: Permission denied).
action-purpose-selinux = set the boolean, persistent across reboots
action-purpose-custom = custom action from the config (run as argv, no shell)

## Planning one action

action-plan-unknown = no action '{ $id }'; known: { $known }
action-plan-known-none = none
action-plan-refused = not planning { $id }: { $why }
action-plan-no-manager = no service manager here knows { $unit } (looked for { $looked }: { $why })
action-plan-looked-all = systemd, supervisord and docker
action-plan-looked-configured = { $manager }, as configured

## Packet captures (actions/capture.rs)

action-capture-title = Capture packets to { $addr } ({ $hop })
action-capture-description = Records up to { $packets } packets to and from { $addr } for { $secs } s while making { $attempts } connection attempts, then says what they show (SYN without SYN-ACK: dropped; RST: refused; SYN-ACK: the network is fine). Fixes nothing; the file stays in { $folder }.
action-purpose-capture = packet capture (tcpdump, bounded in time and packets)
action-capture-note = a capture is evidence, not a repair: audited, never verified
action-capture-no-tcpdump = tcpdump is not installed: install it (apt-get install tcpdump / dnf install tcpdump) to capture packets
action-capture-no-folder = capture file has no folder
action-capture-line = capture of { $target }: { $verdict }
action-capture-unreadable = the capture ran but cannot be read: { $error }

## Running (actions/runner.rs): refusals and failures

action-run-not-succeeded = the action did not succeed
action-run-audit-pending = not written yet
action-run-read-only = read-only mode (--read-only or read_only = true in the config): recovery actions are disabled
action-run-danger = { $danger }. Not run without a second, explicit confirmation (the console asks it; `action run --yes` never gives it): load the rules by hand once you have checked what would be lost
action-run-busy = another action is running ({ $other }); wait for it to finish
action-run-audit-failed = audit log not written: { $error }
action-run-nothing-to-verify = nothing to re-probe for this action
action-run-no-verifier = no verifier
action-run-verify-timeout = verification gave no answer within { $secs } s
action-run-verify-cancelled = verification cancelled
action-run-no-sudo = sudo is not installed
action-run-sudo-disabled = sudo is disabled
action-run-empty-id = action { $id } has an empty command line
action-run-empty = empty command line
action-run-precheck-not-started = precheck `{ $command }` could not run: { $why }
action-run-not-started = `{ $command }` could not run: { $why }
action-run-precheck-failed-code = precheck `{ $command }` failed (exited with code { $code }); nothing was changed:
action-run-precheck-failed-signal = precheck `{ $command }` failed (exited with a signal); nothing was changed:
action-run-failed-code = `{ $command }` exited with code { $code }
action-run-failed-signal = `{ $command }` exited with a signal
action-run-root = { $id } needs root and passwordless sudo is not available ({ $why }); triage502 never asks for a password. Run it yourself:
action-run-root-or = or: sudo triage502 action run { $id } --yes
action-run-not-installed = { $program } not installed (not found in PATH)
action-run-cannot-run = cannot run { $program }: { $error }
action-run-cannot-wait = cannot wait for { $program }: { $error }

## Verification (actions/verify.rs)

action-verify-disabled = verification disabled
action-verify-no-hop = no hop has service = "{ $name }" in the config
action-verify-no-hops = no hops configured

## The audit log (actions/audit.rs)

action-audit-timeline = action { $id } by { $user }: { $detail }; { $verification }
action-audit-cannot-write = cannot write { $path }: { $error }

## Dangers (actions/danger.rs)

action-danger-too-large = { $path } is larger than { $max } bytes
action-danger-cannot-read = cannot read { $path }: { $error }
action-danger-nft-unchecked = { $error }: what loading it would delete cannot be checked
action-danger-nft-unlisted = { $file } starts with `flush ruleset`: loading it deletes every nftables table of this host, and the live tables cannot be listed ({ $why }), so any table not in the file would be lost
action-danger-nft-lost = { $file } flushes the whole ruleset (`flush ruleset`) and recreates only { $kept }; these live tables would be lost: { $lost }
action-danger-nft-lost-all = { $file } flushes the whole ruleset (`flush ruleset`) and recreates only no table; these live tables would be lost: { $lost }
action-danger-iptables-unchecked = { $error }: what restoring it would delete cannot be checked
action-danger-iptables-unread = restoring { $file } flushes the tables it names, and the live rules cannot be read ({ $why }), so chains not in the file (Docker's, fail2ban's) may be lost
action-danger-iptables-lost = restoring { $file } flushes the tables it names and deletes the chains it does not declare; these live chains would be lost: { $lost }

## `triage502 action list|run` (actions/cli.rs)

action-cli-secret-unreadable = cannot read the container's secret to mask it: not listing
action-cli-read-only = read-only: every action is refused
action-cli-none = no actions: add [[service]] or [[action]] entries to the config
action-cli-confirm-danger = This deletes what is listed under DANGER. Type 'delete' to accept:
action-cli-confirm = Run it? [y/N]
action-cli-danger-yes = not running { $id } with --yes: { $danger }. It needs a second, explicit confirmation: run it without --yes on a terminal, or load the rules by hand
action-cli-not-run = not run.
action-cli-no-terminal = not running { $id }: standard input is not a terminal, so it cannot be confirmed; pass --yes to run it without asking
action-cli-no-signals = not running { $id }: cannot watch signals to cancel it: { $error }
action-cli-cancelling = { $signal }: cancelling…
action-cli-exit = exit { $code } after { $ms } ms
action-cli-exit-signal = exit signal after { $ms } ms
action-cli-verifying = verifying: re-probing the hops…
action-cli-result = { $id }: { $status } in { $ms } ms; { $verification }
action-cli-audit = audit: { $path }

## The engine: timeline, incident phases, access logs (engine/)

timeline-journal-failed = cannot write the timeline journal { $path }: { $error }
timeline-finding = finding { $id }: { $title }
timeline-finding-cleared = finding { $id } cleared
timeline-green-again = all hops green again after { $duration }
engine-host-refreshing = refreshing: the last snapshot predates the latest change of the chain
engine-logs-unfollowed = cannot follow the logs: { $error }
phase-diagnosed = diagnosed in { $duration }{ $mark } (≤5m)
phase-worked-around = worked around in { $duration }{ $mark } (≤15m)
phase-green = green in { $duration }
access-none = access log: no 502/503/504 in { $requests } requests over the last { $minutes } min
access-bad = access log: clients got { $bad } of { $requests } requests over the last { $minutes } min
access-own-probes = ; { $n } own probe requests not counted
access-unreadable = ; cannot read { $problem }
