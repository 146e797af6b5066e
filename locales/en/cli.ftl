# cli texts in English. See locales/en/ui.ftl for the conventions.
# The command line's errors, `check --format text`, `report --format md`, `host`, `review`,
# the integration report, the alerts of `watch`, `fleet --format text`, and the help of every
# command and option (ids help-<command path>-about / -arg-<id>; src/cli.rs, command_in).

## The command line

cli-usage = triage502: usage: { $why }
cli-unknown-lang = --lang { $lang }: unknown language (en, zh-CN)
cli-misplaced-console = { $opt } does not apply to `{ $cmd }` (it applies to the console only)
cli-misplaced-action = { $opt } does not apply to `{ $cmd }` (it applies to the console and `action`)
cli-misplaced-select = { $opt } does not apply to `{ $cmd }` (it applies to the console, check, report, config, action, host and watch; fleet takes only --config)
cli-invalid-config = triage502: invalid configuration
cli-invalid-config-line = invalid configuration: { $first }
cli-unusable-config = unusable configuration
cli-cannot-write = cannot write '{ $path }': { $error }
cli-written = written: { $path }
cli-cannot-start = cannot start: { $error }
cli-man-failed = triage502: cannot render the man page: { $error }
cli-config-no-home = triage502: no $XDG_CONFIG_HOME or $HOME to put the config in; name the file: triage502 config init FILE
cli-config-written = written: { $path } (check it with: triage502 --config { $path } config check)
cli-config-secret-unreadable = triage502: cannot read the container's secret to mask it: not showing
cli-config-effective = effective configuration from { $source } (secrets masked)
cli-config-valid = OK  { $source }: valid ({ $hops } hops, { $services } services)

## check --format text

check-text-title = triage502 check on { $host } — { $profile } ({ $source }) — { $symbol } { $state }
check-text-col-state = STATE
check-text-col-hop = HOP
check-text-col-kind = KIND
check-text-col-time = TIME
check-text-col-reason = REASON
check-text-no-hops = (no hops configured: add [[hop]] sections to the config)
check-text-walkthrough = Walkthrough
check-text-no-finding = No finding yet.
check-text-findings = Findings (most explanatory first)
check-text-finding = { $n }. { $symbol } { $state } { $id } [{ $confidence } confidence] — { $title }
check-text-unchecked = ? UNKNOWN could not check { $what }: { $why }
report-all-clear = All clear: every hop answers and no root cause was found.

## report --format md

report-md-title = Incident report — { $host }
report-md-written = Written: { $at }
report-md-profile = Profile: { $profile } ({ $source })
report-md-overall = Overall: { $symbol } { $state }
report-md-first-red = First red hop: { $at }
report-md-recovered = Recovered: { $at }
report-md-clients = Clients: { $line }
report-md-phases = Incident phases
report-md-phases-header = | Phase | At | After the first red hop | Runbook target |
report-md-phase-first-red = first red hop
report-md-phase-first-finding = first finding
report-md-phase-first-recovery = first successful recovery action
report-md-phase-all-green = all green
report-md-phase-met = met
report-md-phase-missed = missed
report-md-phase-not-reached = not reached
report-md-target-min = ≤ { $n } min
report-md-chain = Request chain
report-md-chain-header = | State | Hop | Kind | Target | Time | Reason |
report-md-findings = Findings
report-md-severity = Severity: { $symbol } { $state }, confidence { $confidence }
report-md-action = Recovery action: `{ $action }`
report-md-why = Why: { $why }
report-md-evidence = Evidence:
report-md-next = Next steps:
report-md-unchecked = Not checked
report-md-actions = Actions taken
report-md-actions-none = None recorded.
report-md-timeline = Timeline
report-md-timeline-none = No state changes were recorded.
report-md-host = Host snapshot
report-md-integration = Integration and auth

## Host facts (`host`, the report's host snapshot)

host-text-title = Host facts at { $at }
host-text-unknown = { $title }: unknown — { $reason }
host-text-targets-title = Proxy targets
host-text-targets = Proxy targets ({ $count })
host-text-target-listening = listening
host-text-target-other-address = other address
host-text-target-no-listener = no listener
host-text-target-socket-present = socket present
host-text-target-socket-missing = socket missing
host-text-target-remote = remote
host-text-target-unresolved = unresolved
host-text-via-upstream = (upstream { $name })
host-text-endpoint-owner-unknown = { $endpoint } owner unknown
host-text-services-title = Services
host-text-services = Services ({ $count })
host-text-restarts = restarts { $count }
host-text-sockets-title = Listening sockets
host-text-sockets = Listening sockets ({ $count }; owners not visible: { $hidden })
host-text-owner-more = { $name }[{ $pid }] +{ $more } more
host-text-owner-unknown = owner unknown: { $reason }
host-text-processes-title = Processes
host-text-processes = Processes of the chain ({ $chain } of { $total } processes)
host-text-proc-stopped = STOPPED(T)
host-text-proc-zombie = ZOMBIE(Z)
host-text-proc-disk-wait = DISK-WAIT(D)
host-text-top-cpu = Top by CPU
host-text-top-memory = Top by memory
host-text-memory-title = Memory
host-text-memory = Memory: { $available } available of { $total } ({ $pct }%), swap { $swap_free } free of { $swap_total }
host-text-oom-title = OOM kills
host-text-oom = OOM kills ({ $source }, { $window }): { $count }
host-text-none = none
host-text-oom-kill = { $time } killed { $process }[{ $pid }]
host-text-oom-kill-cgroup = { $time } killed { $process }[{ $pid }] in { $cgroup }
host-text-firewall-title = Firewall
host-text-firewall = Firewall: { $states }
host-text-fw-active = active
host-text-fw-inactive = inactive
host-text-fw-absent = absent
host-text-fw-unknown = unknown: { $reason }
host-text-fw-unknown-hint = unknown: { $reason } ({ $hint })
host-text-all-ports = all ports
host-text-port = port { $ports }
host-text-hook = (hook { $hook })
host-text-policy-drop = policy drop: { $backend } { $family } { $table } { $chain }
host-text-selinux = SELinux: { $mode }{ $boolean } ({ $detail })
host-text-nginx-t-ok = nginx -t ok
host-text-nginx-t-warnings = nginx -t ok with { $count } warnings
host-text-nginx-t-failed = nginx -t failed: { $message }
host-text-nginx-t-failed-hint = nginx -t failed: { $message } ({ $hint })
host-text-nginx-t-not-run = nginx -t not run: { $reason }
host-text-nginx = nginx: { $servers } servers, { $upstreams } upstreams, from { $origin } { $path }
host-text-nginx-location = { $server } { $path } — buffer { $buffer } ({ $from }), buffers { $buffers }, connect { $connect } read { $read } send { $send }

## review (text, and the report's Markdown section)

review-text-pass = PASS
review-text-warn = WARN
review-text-unknown = UNKNOWN
review-text-title = triage502 review on { $host } — { $symbol } { $state }
review-text-change = change: { $change }
review-text-runbook = runbook { $section }
review-text-summary = { $pass } PASS, { $warn } WARN, { $unknown } UNKNOWN (of { $kinds } kinds of check). Nothing was changed: each change is yours to make.
review-md-title = Readiness review
review-md-intro = What the runbook asks to have in place before the next incident (`triage502 review`).
review-md-header = | Check | Item | Fact | Change | Runbook |

## The ONLYOFFICE integration report

integration-text-not-checked = Not checked:
integration-text-title = ONLYOFFICE integration ({ $name })
integration-text-nothing-readable = nothing readable
integration-text-ds-sources = Document Server settings from: { $sources }
integration-text-ig-sources = { $name }'s settings from: { $sources }
integration-text-jwt = JWT (Document Server / { $name }):
integration-text-command = Command service:
integration-text-command-url = Command service { $url }:
integration-text-signed = signed by { $by } fp { $fp }  { $detail }
integration-text-skew = clock skew { $secs } s (Document Server Date header vs this box)
integration-text-storage-title = Storage and callbacks:
integration-text-no-storage = no storage URL known
integration-text-storage = { $url } — { $reason } (from { $from })
integration-text-resolves = resolves to { $addresses }
integration-text-preflight = CORS preflight { $url } (Origin { $origin }): { $reason }
integration-text-headers = Forwarded headers (ports { $ports }):
integration-text-no-nginx = nginx configuration not available
integration-text-no-location = no location proxies to the Document Server
integration-text-headers-ok = { $server } { $location } ({ $at }): all passed
integration-text-headers-missing = { $server } { $location } ({ $at }): missing { $missing }
integration-text-mixed = mixed content: { $integrator } uses { $docserver }

## Alerts of `watch` (WeCom, DingTalk, Feishu, Slack: in the configured language)

alert-text-firing = FIRING { $state }
alert-text-escalated = ESCALATED to { $state }
alert-text-resolved = RESOLVED
alert-text-head = { $symbol } { $event }: { $id } on { $host } ({ $profile })
alert-text-recovered = recovered after { $duration }
alert-text-since = since { $at }
alert-text-next = next: { $step }
alert-answer-not-json = answer is not JSON
alert-answer-refused = refused: { $key } { $code } { $message }
alert-answer-no-code = answer has no { $key }

## fleet --format text

fleet-text-title = triage502 fleet — { $count } hosts — { $symbol } { $state }
fleet-text-col-state = STATE
fleet-text-col-host = HOST
fleet-text-col-version = VERSION
fleet-text-col-age = AGE
fleet-text-col-why = TOP FINDING / WHY

## The help (clap's own texts, then each command's and option's from its doc comment)

help-heading-usage = Usage:
help-heading-options = Options
help-heading-arguments = Arguments
help-heading-commands = Commands
help-default = [default: { $value }]
help-possible-values = [possible values: { $values }]
help-possible-values-long = Possible values:
help-env = [env: { $name }{ $value }]
help-builtin-help = Print help
help-builtin-help-short = Print help (see more with '--help')
help-builtin-help-long = Print help (see a summary with '-h')
help-builtin-version = Print version
help-builtin-help-command = Print this message or the help of the given subcommand(s)
help-builtin-help-command-arg = Print help for the subcommand(s)
help-about = a terminal console for 502/504 Bad Gateway incidents
help-long-about =
    A terminal console for 502/504 Bad Gateway incidents (ONLYOFFICE Document Server, or any application, behind nginx).

    With no subcommand it opens the console: the request chain live, hop by hop, the ranked findings with their evidence, the logs, and the recovery actions.
help-arg-config = Config file (else $TRIAGE502_CONFIG, $XDG_CONFIG_HOME/triage502/config.toml or ~/.config/triage502/config.toml, /etc/triage502/config.toml, then the embedded onlyoffice profile; never the current folder). It must belong to root or you and be writable by nobody else
help-arg-profile = Embedded profile: onlyoffice, or generic (implied by --proxy-url and --app-url)
help-arg-proxy_url = Public URL through the proxy; with --app-url it builds the generic profile
help-arg-app_url = URL of the application behind the proxy (its path is what is asked); implies the generic profile
help-arg-app_expect_status = What a healthy application answers (generic profile; default 200), through the proxy and directly. A path in --app-url / --proxy-url says what is asked
help-arg-read_only = Refuse every recovery action
help-arg-theme = Theme: dark, light, high-contrast, monochrome
help-arg-lang = Language: en or zh-CN (else `lang` in the config, else LC_ALL / LC_MESSAGES / LANG). JSON and Nagios outputs stay English
help-check-about = Probe the chain once and exit: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
help-arg-format = Output format
help-report-about = Write the incident report of one round
help-report-arg-out = Write to FILE instead of standard output
help-config-about = Configuration: write a commented starter, show the effective one, validate
help-config-init-about = Write a commented config (to FILE, default ~/.config/triage502/config.toml, or /etc/triage502/config.toml as root; never overwrites)
help-config-init-arg-path = Where to write
help-config-init-arg-discover = Write the chain discovered on this box, each hop with its source as a comment
help-config-show-about = Print the effective config, secrets masked
help-config-show-arg-discover = Print what discovery finds on this box, and what it could not read and why
help-config-check-about = Validate the config; errors name the file, the line and a hint
help-logs-about = Classify nginx and Document Server logs: scan files, or follow them through rotation
help-logs-scan-about = Classify whole files (plain or .gz), streaming: one line or JSON object per entry, or a count per class
help-logs-scan-arg-files = nginx error logs or Document Server out.log files; plain or gzip; `-` reads stdin
help-logs-scan-arg-format-value-text = One human-readable line per entry
help-logs-scan-arg-format-value-ndjson = One JSON object per entry
help-logs-scan-arg-format-value-summary = One JSON object `{"{"} "class": count, ... {"}"}` over all input (`other` included)
help-logs-scan-arg-all = Also print entries of class `other` (text/ndjson)
help-logs-scan-arg-since = Only entries at or after TIME (local time): a time of day `07:25[:00]` (today, or yesterday when that is still ahead), `2026-11-28 12:00[:00]`, `2026-11-28T12:00:00`, `2026/11/28 12:00:00`, `2026-11-28`, or relative `90s`, `15m`, `2h`, `1d`
help-logs-follow-about = Follow files from their end (after the last classified entries), through rotation
help-logs-follow-arg-files = Files to follow (they may not exist yet)
help-logs-follow-arg-format-value-text = One human-readable line per entry
help-logs-follow-arg-format-value-ndjson = One JSON object per entry (with `file`)
help-logs-follow-arg-lines = Show the last N classified entries of each file first (found reading backwards)
help-logs-follow-arg-all = Also print entries of class `other`
help-action-about = Recovery actions: list them, or run one (previewed, confirmed, audited, verified)
help-action-list-about = List the recovery actions this config and host allow
help-action-list-arg-format-value-text = One action per line: id, root, title, commands
help-action-list-arg-format-value-json = A JSON array of actions
help-action-run-about = Run one action: preview, confirm, run, verify, audit
help-action-run-arg-id = Action id, e.g. restart:ds-docservice, reload:nginx, reload:firewall
help-action-run-arg-yes = Do not ask for confirmation (needed when stdin is not a terminal)
help-host-about = Host facts: listeners, processes, services, firewall, SELinux, nginx's proxy targets
help-arg-format-value-text = Plain text
help-arg-format-value-json = JSON (the snapshot as serialized)
help-host-arg-nginx_config = nginx configuration file (nginx -c)
help-host-arg-nginx_prefix = nginx prefix (nginx -p)
help-host-arg-supervisor_config = supervisorctl configuration (supervisorctl -c) for supervisor-managed services
help-host-arg-ports = Extra chain ports (repeatable)
help-host-arg-timeout = Per-command timeout in seconds
help-watch-about = Headless service: rounds, alerts to the [[alert]] receivers, Prometheus metrics and /healthz on --listen; SIGHUP reloads the config, SIGTERM stops
help-watch-arg-listen = Address of /metrics and /healthz
help-review-about = Readiness review: what the runbook asks to have in place before the next incident (restart, boot, memory, failover, log rotation, certificates, JWT, alerting, drills). Exit 0 all PASS, 1 a WARN, 3 UNKNOWN only. Changes nothing
help-fleet-about = Many boxes over the system's OpenSSH: each runs `triage502 check` there; a table of their states (the console's fleet view, or headless with --format)
help-fleet-arg-config = Config file whose [fleet] table is read (else found as for the console). It must belong to root or you and be writable by nobody else
help-fleet-arg-hosts = Hosts file: one ssh destination a line, `#` comments (instead of the config's [[fleet.host]] tables)
help-fleet-arg-format = Print the fleet once in this format and exit (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; an unreachable host is UNKNOWN); without it the console's fleet view opens
help-fleet-arg-format-value-text = A table
help-fleet-arg-format-value-json = One JSON object
help-fleet-arg-format-value-nagios = One Nagios status line
help-lab-about = The loopback lab: real nginx and a stand-in Document Server under supervisord
help-lab-arg-dir = Lab folder (default: ${"{"}TMPDIR:-/tmp{"}"}/triage502-lab-<uid>); before or after the lab subcommand (`lab --dir X up`, `lab up --dir X`)
help-lab-up-about = Start the lab (idempotent: an already running lab is left as it is)
help-lab-up-arg-exe = Program supervisord runs as the stand-in (`EXE lab standin --dir DIR --port N`); default: this executable
help-lab-down-about = Stop everything the lab started; keep configs and logs
help-lab-status-about = One line per component (supervisord, nginx, docservice) and the active faults; exit 0 when up and healthy
help-lab-break-about = Inject a fault (docservice-down, docservice-hang, wrong-upstream-port, big-headers, jwt-mismatch, health-false, nginx-down, firewall-drop, firewall-reject)
help-lab-break-arg-fault = The fault's name
help-lab-fix-about = Heal every active fault
help-lab-standin-about = Run the stand-in Document Server (started by supervisord)
help-lab-standin-arg-port = Port on 127.0.0.1
help-completions-about = Print shell completions
help-completions-arg-shell = bash, zsh, fish, elvish, powershell
help-man-about = Print the man page (roff)
