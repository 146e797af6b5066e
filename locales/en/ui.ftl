# The console: status words, pane titles, key bar, help, dialogs.
# Ids: area-thing. Values by name ({ $name }); see locales/GLOSSARY.md for the Chinese terms.

status-ok = OK
status-warn = WARN
status-unknown = UNKNOWN
status-fail = FAIL

## Starting and leaving the console (tui/mod.rs, tui/fleet.rs)

console-what-console = the console
console-what-fleet = the fleet view
console-needs-terminal = { $what } needs a terminal (stdin/stdout is not a TTY).
console-use-instead = For scripts and monitoring use: { $command }
console-no-signals = cannot watch SIGTERM/SIGHUP: { $error }; quit with q
console-cannot-take-terminal = cannot take the terminal: { $error }
console-cannot-draw = cannot draw: { $error }
console-stopping-action = stopping the running action and writing its audit line…
console-too-small = terminal too small (need { $need }, have { $have }) — q quits

## The title line

topbar-line = triage502 · { $host } · { $profile } · every { $seconds } s
topbar-read-only = READ-ONLY
topbar-log-paused = LOG PAUSED
topbar-recovered-in = recovered in { $duration }
topbar-red-for = red for { $duration }

## Panes: tab titles, then each pane's texts

pane-chain = Chain
pane-findings = Findings
pane-logs = Error log
pane-services = Services
pane-ports = Ports
pane-events = Events
pane-top-finding-of = 1 of { $total }
pane-collecting = collecting host facts…
pane-not-collected = not collected yet
pane-chain-title-wide = Chain: user → proxy → app
pane-chain-probing = probing…
pane-findings-title = Findings ({ $count }) — w: walkthrough
pane-findings-walkthrough-title = Walkthrough (w: findings)
pane-findings-waiting = waiting for the first probe round…
pane-findings-all-clear = All clear: every hop answers, no root cause found.
pane-findings-confidence = { $level } confidence
pane-findings-head-title = ({ $confidence }) { $title }
pane-findings-not-checked = { $count } not checked: { $list }
pane-logs-title = Error log ({ $count } shown)
pane-logs-title-paused = Error log ({ $count } shown, PAUSED)
pane-logs-title-filter = Error log ({ $count } shown, filter { $filter })
pane-logs-title-filter-paused = Error log ({ $count } shown, filter { $filter }, PAUSED)
pane-logs-recent = last 5 min: { $counts }
pane-logs-recent-none = last 5 min: no upstream failures
pane-logs-filter-input = filter: { $input }▏  (Enter apply · Esc cancel · class:ID)
pane-logs-none-configured = no error log configured ([logs] nginx_error)
pane-logs-none-logged = no upstream failure logged (waiting for new lines)
pane-logs-no-match = no entry matches { $filter }
pane-logs-no-match-not-a-class = no entry matches { $filter } ({ $id } is not a class)
pane-logs-no-match-did-you-mean = no entry matches { $filter } ({ $id } is not a class; did you mean { $like }?)
pane-services-title-stale = Services (as of { $age } ago)
pane-services-what = services
pane-services-col-state = STATE
pane-services-col-service = SERVICE
pane-services-col-sub = SUB
pane-services-col-up = UP
pane-services-col-backend = BACKEND
pane-ports-title = Ports & processes
pane-ports-memory = memory available { $pct } % of { $total } MiB
pane-ports-memory-psi = memory available { $pct } % of { $total } MiB, PSI some avg10 { $avg10 }
pane-ports-oom-kill = { $time } killed { $process } (pid { $pid })
pane-ports-oom-kills = OOM kills
pane-ports-owners = owners
pane-ports-owners-hidden = { $count } sockets' owners not visible without root (run with sudo)
pane-ports-sockets = sockets
pane-ports-disk = disk
pane-ports-disk-path = disk { $path }
pane-ports-disk-line = { $mount } { $used }% used, { $free } free ({ $holds })
pane-ports-disk-line-inodes = { $mount } { $used }% used, { $free } free, inodes { $inodes }% ({ $holds })
pane-ports-tag-cache = DS cache
pane-ports-tag-logs = DS logs
pane-events-none = no state changes yet

## The key bar: a command's word

keybar-quit = quit
keybar-help = help
keybar-pane = pane
keybar-down = down
keybar-up = up
keybar-top = top
keybar-follow = follow
keybar-filter = filter
keybar-details = details
keybar-back = back
keybar-pause = pause
keybar-walkthrough = walkthrough
keybar-probe = probe
keybar-fix = fix
keybar-restart = restart
keybar-reload-nginx = reload nginx
keybar-reload-firewall = reload firewall
keybar-report = report
keybar-readiness = readiness
keybar-read-only = READ-ONLY: actions off

## The help overlay: a command's line

keyhelp-title = Keys (any key closes)
keyhelp-title-scroll = Keys — j/k scroll
keyhelp-position = { $first }–{ $last } of { $total }
keyhelp-position-more = { $first }–{ $last } of { $total } · j more
keyhelp-quit = quit (Ctrl-C always quits too)
keyhelp-help = show or hide this help
keyhelp-focus-next = next pane / tab
keyhelp-focus-prev = previous pane / tab
keyhelp-down = move down
keyhelp-up = move up
keyhelp-top = first line
keyhelp-bottom = last line (and follow)
keyhelp-filter = filter the error log (text, or class:ID)
keyhelp-details = details of the selected line
keyhelp-back = close / clear filter
keyhelp-pause = pause or resume following the logs
keyhelp-walkthrough = findings ↔ guided walkthrough
keyhelp-probe-now = probe the chain now
keyhelp-run-action = run the selected finding's recovery action
keyhelp-restart-service = restart the selected service
keyhelp-reload-nginx = reload nginx (after nginx -t)
keyhelp-reload-firewall = reload the firewall
keyhelp-write-report = write the incident report (Markdown)
keyhelp-readiness = readiness review for the next incident
keyhelp-ctrl-c = quit (or cancel a running action)
keyhelp-ctrl-z = suspend to the shell (fg resumes)

## The [keys] section's errors (config/keys.rs)

keys-unknown-command = [keys] unknown command `{ $name }`
keys-unknown-command-did-you-mean = [keys] unknown command `{ $name }` (did you mean `{ $like }`?)
keys-not-a-key = [keys] { $name } = "{ $key }" is not a key (use a character, or one of: { $named }, with ctrl-/alt-)
keys-ctrl-c-reserved = [keys] { $name }: ctrl-c is reserved for quitting
keys-bound-twice = [keys] key "{ $key }" is bound to both `{ $first }` and `{ $second }`
keys-error-defaults = { $errors } — using the default keys

## The details overlay (Enter)

detail-scroll-hint = j/k scroll, Esc closes
detail-hop = hop
detail-hop-title = hop { $name }
detail-no-hop = no hop
detail-hop-not-probed = not probed yet
detail-hop-result = { $state } after { $latency }
detail-step = step
detail-step-title = step: { $title }
detail-finding = finding
detail-finding-title = finding { $id }
detail-no-finding = no finding
detail-finding-press-x = (press x in the Findings pane to run the action)
detail-log = log
detail-no-entry = no entry
detail-log-repeated = { $count } entries like this one, { $first } – { $last } (the newest below)
detail-log-requests = requests: { $requests }
detail-log-requests-more = requests: { $requests } · and others
detail-log-class = class: { $class } (client gets { $status })
detail-log-what-happened = What happened: { $text }
detail-log-causes = Usual causes: { $text }
detail-log-next-check = Next check: { $text }
detail-log-entry = Entry:
detail-service = service
detail-service-title = service { $name }
detail-no-service = no service selected
detail-details = details
detail-select-a-line = Select a line in the Chain, Findings, Error log or Services pane.

## Dialogs: actions, messages, the readiness review

dialog-planning = planning { $what }: asking the service managers…
dialog-cannot-plan = cannot plan the action
dialog-confirm-title = Run { $id }?
dialog-needs-root = needs root: sudo -n is used when passwordless sudo works, otherwise it is refused with the command to run.
dialog-confirm-keys-run = y / Enter: run      any other key: cancel
dialog-confirm-keys-continue = y / Enter: continue (a second confirmation follows)      any other key: cancel
dialog-danger-title = DANGER — { $id }
dialog-danger-text = Running { $id } would delete what DANGER lists above, beyond what it fixes.
dialog-danger-keys = D (shift-d): run it anyway      any other key: cancel
dialog-running-title = running { $id } — Esc cancels
dialog-step-exit = exit { $code } after { $ms } ms
dialog-step-killed = exit by signal after { $ms } ms
dialog-verifying = verifying: re-probing the hops…
dialog-cancelled-at-preview = action cancelled at the preview
dialog-any-key-closes = (any key closes)
dialog-scroll-hint = j/k scroll · any other key closes
dialog-read-only = read-only
dialog-read-only-text = The console runs with --read-only (or read_only = true): recovery actions are disabled.
dialog-no-action = no action
dialog-no-action-finding = The selected finding has no recovery action (see its next steps).
dialog-no-action-service = Select a service (Services pane) or a hop with a service (Chain pane) first.
dialog-report-written = report written
dialog-report-from-shell = (triage502 report --out FILE writes one from the shell too)
dialog-report-failed = cannot write the report
dialog-review-planning = the readiness review
dialog-review-planning-text = planning the readiness review: asking the service managers…
dialog-review-title = readiness review — { $symbol } { $state }
dialog-review-pass = PASS

## The fleet view (draw/fleet.rs)

fleetview-title = triage502 fleet — { $count } hosts
fleetview-asking = asking { $count }…
fleetview-col-state = STATE
fleetview-col-host = HOST
fleetview-col-age = AGE
fleetview-col-version = VERSION
fleetview-col-summary = TOP FINDING / WHY
fleetview-host-line = triage502 { $version } · profile { $profile } · host { $host } · at { $at }
fleetview-worst-there = worst state there
fleetview-read-only = Read-only: recovery actions are not offered for a remote host; ssh there and run triage502.
fleetview-cannot-check = cannot check there: { $error }
fleetview-findings = Findings (most explanatory first)
fleetview-all-clear = all clear
fleetview-none = none
fleetview-not-checked = not checked { $what }: { $why }
fleetview-walkthrough = Walkthrough
fleetview-key-scroll = scroll
fleetview-key-back = back
fleetview-key-ask-again = ask again
fleetview-key-select = select
fleetview-key-open = open
fleetview-hint-dns = check the name (or its Host entry in the ssh config) and the resolver
fleetview-hint-refused = is sshd running there, on this port? a firewall REJECT?
fleetview-hint-timeout = the host is down, a firewall drops, or its check took too long
fleetview-hint-unreachable = no route to it: network, VPN, the host's address
fleetview-hint-auth = ssh refused the key: load it into the agent or set IdentityFile
fleetview-hint-host-key = ssh does not know or no longer trusts its host key: check it, then add it to known_hosts
fleetview-hint-closed = sshd closed the connection: MaxStartups, AllowUsers, or a dying host
fleetview-hint-missing = install triage502 there, or set `binary` in its [[fleet.host]]
fleetview-hint-too-old = install this version of triage502 there
fleetview-hint-bad-answer = run `triage502 check --format json` there by hand and look at what it prints
fleetview-hint-other = run the same ssh by hand to see more
