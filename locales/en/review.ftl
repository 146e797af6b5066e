# The readiness review's items in English (src/review/**): each item's title (the README's
# table), its runbook section, the facts found and the changes proposed. Config snippets and
# commands stay as they are.

## Titles: what each item checks.
review-service_restart-title = each chain service restarts by itself (systemd Restart= and RestartSec ≥ 1 s, supervisor autorestart, docker restart policy)
review-service_boot-title = each chain service starts at boot (systemctl is-enabled, supervisor autostart, docker always/unless-stopped)
review-memory_limit-title = a service with a memory limit (systemd MemoryMax, docker --memory) has headroom under it (< 90 % used)
review-memory_box-title = the box has memory headroom: ≥ 15 % available, memory pressure (PSI some avg300) under 10 %, swap not exhausted
review-upstream_failover-title = the nginx upstream of the Document Server has a second server or a backup, something listens there, and proxy_next_upstream retries on error or timeout
review-proxy_timeouts-title = proxy_read_timeout of the Document Server's locations is at least 60 s (conversions of large documents)
review-proxy_buffers-title = nginx's error log has no `upstream sent too big header`: the Document Server's headers fit proxy_buffer_size
review-log_rotation-title = every log file of the chain is rotated by a logrotate entry with a frequency or size
review-log_disk-title = the filesystems holding the Document Server's folders and logs have ≥ 10 % free
review-cert_validity-title = each certificate of the chain is valid for more than 30 days
review-jwt_enabled-title = JWT is enabled on the Document Server and a secret is set on the integrator's side
review-alert_path-title = something watches this box: `triage502 watch` or a monitoring agent runs
review-last_drill-title = a recovery was exercised on this box in the last 90 days (the audit log)

## Runbook sections.
review-service_restart-runbook = 3.2 Restart=always, RestartSec=5
review-service_boot-runbook = 3.2 systemctl enable --now
review-memory_limit-runbook = 3.3 OOM
review-memory_box-runbook = 3.3 OOM
review-upstream_failover-runbook = 5 redundancy, load balancer
review-proxy_timeouts-runbook = 2.3 nginx forwarding
review-proxy_buffers-runbook = 2.3 nginx forwarding
review-log_rotation-runbook = 2.5 logs
review-log_disk-runbook = 2.5 logs
review-cert_validity-runbook = 2.2 curl -v (certificates)
review-jwt_enabled-runbook = 4.1 JWT
review-alert_path-runbook = 5 alerting (Prometheus, WeCom/Slack)
review-last_drill-runbook = 5 drills

## Services.
review-fact-no-manager = no manager
review-fact-docker-policy = { $source }: restart policy { $policy }
review-service_restart-change-systemd = systemctl edit { $unit }  →  [Service] Restart=always  RestartSec=5  (a drop-in /etc/systemd/system/{ $unit }.service.d/override.conf), then systemctl daemon-reload
review-service_restart-change-supervisor = in { $source }: autorestart=true, then supervisorctl update
review-service_boot-fact-supervisor = { $source }: autostart={ $value } (at boot when supervisord itself starts at boot)
review-service_boot-change-supervisor = in { $source }: autostart=true, then supervisorctl update

## Memory.
review-memory_limit-fact-no-use = { $source }: limit { $limit }, use unknown
review-memory_limit-fact = { $source }: { $current } of MemoryMax { $max } in use ({ $percent } %)
review-memory_limit-change = raise the limit (systemctl edit { $unit } → [Service] MemoryMax=…) or find what grows
review-memory_box-no-facts = no memory facts
review-memory_box-fact = { $avail } % of { $total } available; { $psi }; { $swap }
review-memory_box-psi = PSI some avg300 { $psi } %
review-memory_box-no-psi = no PSI (kernel without /proc/pressure)
review-memory_box-swap = swap { $used } % used
review-memory_box-no-swap = no swap
review-memory_box-change = find what uses the memory (processes pane), add memory or swap, or cap the heaviest service (MemoryMax)

## nginx.
review-nginx-unread = nginx's configuration could not be read (see `triage502 host`)
review-nginx-no-location-one = no nginx location proxies to the Document Server's port { $ports }
review-nginx-no-location-many = no nginx location proxies to the Document Server's ports { $ports }
review-nginx-set-at = set at { $at }
review-nginx-default = nginx's default
review-upstream_failover-group = upstream { $name } (at { $at }): { $primaries } server(s), { $backups } backup, { $live } of its addresses listening (or remote)
review-upstream_failover-single = { $directive } { $target }: one address, no upstream group
review-upstream_failover-fact = { $what }; { $retry }
review-upstream_failover-no-retry = { $what }; the location's proxy_next_upstream was not found
review-upstream_failover-change = an upstream group with a second Document Server, or `server HOST:PORT backup;`, and `proxy_next_upstream error timeout http_502;` in the location; then nginx -t and reload
review-proxy_timeouts-change = proxy_read_timeout 120s; (conversions of large documents take longer than a minute), then nginx -t and reload
review-proxy_buffers-change = proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k; in the location, then nginx -t and reload
review-proxy_buffers-log-unread = nginx's error log was not read; { $size }
review-proxy_buffers-too-big = { $count } × "upstream sent too big header" in nginx's error log; { $size }
review-proxy_buffers-too-big-last = { $count } × "upstream sent too big header" in nginx's error log, the last at { $time }; { $size }
review-proxy_buffers-log-failed = nginx's error log could not be read ({ $why }); { $size }
review-proxy_buffers-log-none = nginx's error log could not be read (none configured); { $size }
review-proxy_buffers-pass = no "upstream sent too big header" among the { $count } nginx error log entries read; { $size }

## Logs and disk.
review-log_rotation-no-files = the configuration names no log files
review-log_rotation-unread = logrotate's entries were not read
review-log_rotation-install = install logrotate (apt-get install logrotate / dnf install logrotate) and add entries for the chain's logs
review-log_rotation-rotated = rotated: { $files }
review-log_rotation-bare = no logrotate entry with a frequency or size for { $files }
review-log_rotation-change = a file in /etc/logrotate.d/ such as:  { $files } {"{"} daily  rotate 14  maxsize 500M  missingok  compress  delaycompress  copytruncate {"}"}
review-log_disk-no-facts = no disk facts
review-log_disk-no-folder = no folder of the Document Server to measure
review-log_disk-fact = { $filesystem }: { $free } % free
review-log_disk-change = free space on { $mount } (old logs, the Document Server's cache) or grow the filesystem

## Certificates.
review-cert_validity-fact = { $hop }: certificate of { $subject } valid until { $until } ({ $days } days)
review-cert_validity-change = renew the certificate (certbot renew, or your CA), install it and reload nginx
review-cert_validity-none = no hop of the chain showed a certificate (no TLS hop, or none answered)

## JWT.
review-jwt_enabled-no-report = no integration report (no Document Server in the chain)
review-jwt_enabled-fact = Document Server: JWT { $state } ({ $sources }); { $integrator }: secret { $secret }
review-jwt_enabled-on = enabled
review-jwt_enabled-off = disabled
review-jwt_enabled-unknown = unknown
review-jwt_enabled-no-settings = no settings read
review-jwt_enabled-secret-set = set
review-jwt_enabled-secret-missing = not found
review-jwt_enabled-change = set services.CoAuthoring.token.enable.request.inbox/outbox and browser to true with one secret in local.json (Docker: JWT_ENABLED=true, JWT_SECRET=…), the same secret in the integrator, then restart the Document Server

## Alerting and drills.
review-alert_path-none = no triage502 watch and no monitoring agent runs on this box
review-alert_path-mute = triage502 watch runs, but this configuration names no [[alert]] receiver
review-alert_path-running = running: { $monitors }; [[alert]] receivers in this configuration: { $receivers }
review-alert_path-change = run `triage502 watch` as a service with an [[alert]] receiver (README: Monitoring), or a monitoring agent that checks the chain
review-last_drill-fact = last recovery action run here: { $action } at { $time } ({ $days } days ago)
review-last_drill-none = the audit log has no recovery action run on this box
review-last_drill-change = rehearse: on a test box `triage502 lab up`, `lab break docservice-down`, recover from the console; on this box run a restart action in a quiet hour
