# findings texts in English. See locales/en/ui.ftl for the conventions.
# Findings about services, dependencies, the converter, deployment, the network and the host
# (diagnose/rules/{mod,service,deps,converter,deploy,network,host}.rs).
# Ids: finding-<id>-title / -why / -next-<what>, ev-<what>. See locales/GLOSSARY.md.

# Shared pieces: list separators, ages.
finding-list-sep = {", "}
finding-list-semi = {"; "}
age-seconds = { $n } s
age-minutes = { $n } min
age-hours = { $n } h
age-days = { $n } d

# Evidence shared by the rules (diagnose/rules/mod.rs).
ev-service-state = { $name } is { $state } ({ $detail })
ev-service-state-pid = { $name } is { $state }, pid { $pid } ({ $detail })
ev-service-state-restarts = { $name } is { $state }, { $restarts } restarts ({ $detail })
ev-service-state-pid-restarts = { $name } is { $state }, pid { $pid }, { $restarts } restarts ({ $detail })
ev-listener-none = nothing listens on TCP port { $port }
ev-listener-process = { $name } (pid { $pid })
ev-listener-owner-unknown = owner unknown: { $reason }
ev-listener-by = { $addr }:{ $port } by { $owner }
ev-listener-some = listening: { $who }
ev-process-state-cpu = { $name } (pid { $pid }) state { $state } CPU { $cpu } %

# service_down, service_starting, service_hung, dependency_down, docserver_not_found (service.rs).
finding-service_down-title = { $name } is down: nothing listens on { $target }
finding-service_down-why = nginx forwards to a port where nothing listens, so it answers 502 Bad Gateway to every request.
finding-service_down-next-restart = Restart { $name } and watch whether it stays up.
finding-service_down-next-log = If it exits again, read its log (journalctl -u { $name } / supervisor log / docservice/out.log).
finding-service_starting-title = { $name } runs but does not listen on { $target } yet
finding-service_starting-why = The Document Server opens its port only after RabbitMQ, the database and Redis are connected; until then nginx gets refused.
finding-service_starting-next-deps = Check RabbitMQ (:5672) and PostgreSQL (:5432): are they running and reachable?
finding-service_starting-next-log = Read docservice/out.log for [AMQP] or database errors; give it a minute after a restart.
finding-service_hung-title = { $name } accepts connections but does not answer
finding-service_hung-why = The port is open (the kernel accepts) but the process never answers: it is stuck, overloaded or stopped (SIGSTOP). nginx gives up after proxy_read_timeout with 504.
finding-service_hung-next-look = Look at the process: CPU at 100 %? state T (stopped) or D (waiting on disk)?
finding-service_hung-next-restart = Restart the service; if it hangs again, capture its log and a stack (e.g. kill -USR2 / node --inspect) first.
finding-dependency_down-title-hop-dep = Dependency failure: { $hop } is down ({ $target }, { $dep })
finding-dependency_down-title-hop = Dependency failure: { $hop } is down ({ $target })
finding-dependency_down-title-unreachable = Dependency failure: the Document Server cannot reach { $dep }: { $message }
finding-dependency_down-title-health = Dependency failure: the Document Server reports a failed dependency (healthcheck false)
finding-dependency_down-title-log = Dependency failure: the Document Server log shows dependency errors
finding-dependency_down-why = The Document Server needs PostgreSQL, RabbitMQ and Redis (and its storage). /healthcheck answers false when one fails; when RabbitMQ or the database is down at start, docservice never listens and nginx answers 502.
finding-dependency_down-next-check = Check postgresql, rabbitmq-server and redis-server: running? listening on 5432 / 5672 / 6379?
finding-dependency_down-next-log = Read docservice/out.log for [AMQP], sqlQuery, postgresql pool or redisClient errors.
finding-dependency_down-next-restart = After the dependency is back, restart ds-docservice so it reconnects.
finding-dependency_down-next-named = { $dep } is what the Document Server cannot reach: is { $svc } running and listening?
ev-docserver-no-settings = no { $path } (the Document Server's settings)
ev-docserver-no-service = no service manager knows { $name } ({ $detail })
ev-docserver-no-process = no Document Server process (docservice, converter) among { $total } processes
finding-docserver_not_found-title = No ONLYOFFICE Document Server found on this box
finding-docserver_not_found-why = The chain being checked is an ONLYOFFICE Document Server behind nginx (the built-in profile, or this config), but nothing of a Document Server is here: its red hops describe a chain this box does not have, not an outage. Point the tool at the chain this box serves.
finding-docserver_not_found-next-generic = Another application behind nginx: triage502 --profile generic --proxy-url URL --app-url URL (or `check` with the same options).
finding-docserver_not_found-next-elsewhere = A Document Server elsewhere (another host, a container, other ports): `triage502 config init FILE`, edit its hops and services, then run with --config FILE.
finding-docserver_not_found-next-settings = Its settings in another place: set [onlyoffice] local_json in the config.

# database_error (deps.rs).
db-cause-password = password authentication failed
db-fix-password = The password in local.json (services.CoAuthoring.sql.dbPass) is not PostgreSQL's for user { $quoted }: set one to the other (ALTER USER { $user } WITH PASSWORD '…' as postgres, or fix dbPass), then restart ds-docservice and ds-converter.
db-cause-no-table = a table does not exist (schema never created)
db-fix-no-table = The database has no ONLYOFFICE tables: create them with the schema file as the database user: psql -h localhost -U onlyoffice -d onlyoffice -f /var/www/onlyoffice/documentserver/server/schema/postgresql/createdb.sql
db-cause-syntax = SQL syntax error (PostgreSQL older than 9.5?)
db-fix-syntax = The Document Server's queries (INSERT … ON CONFLICT) need PostgreSQL 9.5 or newer: check `SELECT version();` and upgrade PostgreSQL.
db-cause-too-many = too many connections
db-fix-too-many = PostgreSQL refuses new connections: raise max_connections in postgresql.conf (or lower the Document Server's services.CoAuthoring.sql.connectionlimit), and look for other clients holding connections (SELECT count(*) FROM pg_stat_activity).
db-cause-no-database = the database does not exist
db-fix-no-database = Create the database named in local.json (services.CoAuthoring.sql.dbName) owned by its user, then the schema (createdb.sql).
db-cause-other = query failed
db-fix-other = Read the full error in docservice/out.log and check PostgreSQL's own log for the same time.
ev-db-failed-one = 1 failed query from { $first } to { $latest }
ev-db-failed-one-doc = 1 failed query from { $first } to { $latest }, 1 document
ev-db-failed-many = { $count } failed queries from { $first } to { $latest }
ev-db-failed-many-doc = { $count } failed queries from { $first } to { $latest }, 1 document
ev-db-failed-many-docs = { $count } failed queries from { $first } to { $latest }, { $docs } documents
finding-database_error-title = The Document Server's database queries fail: { $cause }
finding-database_error-why = PostgreSQL answers, but refuses or fails the Document Server's queries: documents cannot be opened or saved although the port is open.
finding-database_error-next-psql = Check from the Document Server's host with its own settings: psql -h HOST -U USER -d DB -c 'SELECT count(*) FROM task_result'

# converter_timeout and the converter's evidence (converter.rs).
ev-lines-one = { $count } line
ev-lines-many = { $count } lines
ev-lines-docs-one = { $count } document
ev-lines-docs-many = { $count } documents
ev-lines-span = first { $first }, last { $last }
ev-lines-with-summary = { $fact } ({ $summary })
ev-converter-process = { $role } pid { $pid } state { $state } { $cpu } % CPU { $mib } MiB
ev-converter-process-up = { $role } pid { $pid } state { $state } { $cpu } % CPU { $mib } MiB, up { $age }
ev-converter-no-process = no converter or x2t process runs
ev-converter-read-timeout-set = { $server }: { $location } ({ $at }) answers /ConvertService.ashx; proxy_read_timeout { $value } (set at { $set_at })
ev-converter-read-timeout-default = { $server }: { $location } ({ $at }) answers /ConvertService.ashx; proxy_read_timeout { $value } (nginx's default)
ev-converter-access-504 = clients got { $count }×504 on the converter (ConvertService.ashx) over the access log's window
finding-converter_timeout-title = Conversions time out while /healthcheck is true ({ $counts })
finding-converter_timeout-count-nginx = { $count } nginx read timeouts
finding-converter_timeout-count-ds = { $count } receiveTask timeouts
finding-converter_timeout-why = The Document Server answers its health check, but the converter (ConvertService.ashx) does not finish in time: it is hung, overloaded, or x2t is slow on a large document. nginx gives up after proxy_read_timeout and the editor reports a conversion error or 504.
finding-converter_timeout-next-busy = An x2t is busy converting (see its CPU and age above): a large or broken document; let it finish or end it (kill PID), then try the document again.
finding-converter_timeout-next-timeout-shown = Conversions of large documents take longer than nginx waits: raise proxy_read_timeout of the location shown (e.g. 300s) and reload nginx.
finding-converter_timeout-next-timeout = Conversions take longer than nginx waits: raise proxy_read_timeout of the location serving ConvertService.ashx and reload nginx.
finding-converter_timeout-next-idle = If the converter is idle (no x2t, little CPU) it is hung: restart it (ds-converter / supervisorctl restart ds:converter).
finding-converter_timeout-next-no-health = No /healthcheck hop is configured: add a docserver-health hop to tell a hung converter from a hung Document Server.

# jwt_secret_ephemeral, connector_disabled (deploy.rs).
ev-docker-jwt-enabled-unset = JWT_ENABLED not set (JWT is on by default since 7.2)
ev-docker-image-unknown = unknown
ev-docker-no-jwt-secret = docker inspect { $container }: image { $image }, { $enabled }, no JWT_SECRET in its environment
ev-docker-config-mount = /etc/onlyoffice/documentserver is mounted from { $src }
finding-jwt_secret_ephemeral-title = Docker Document Server { $container } has no JWT_SECRET: its secret changes at every restart
finding-jwt_secret_ephemeral-why = The image's start script sets JWT_SECRET to a new random value (pwgen -s 32) when none is given, at every start of the container: the integrator keeps the old secret and every request is refused with a token error after the next restart or update.
finding-jwt_secret_ephemeral-next-fix = Give the container a fixed secret: JWT_SECRET=<the integrator's jwt_secret> in its environment (docker run -e / compose `environment:`), then recreate it ({ $container }).
finding-jwt_secret_ephemeral-next-until = Until then, avoid restarting or updating the container; read the current secret with: docker exec CONTAINER documentserver-jwt-status.sh
ev-connector-first-seen = first seen by triage502 at { $time }
ev-connector-seen-note = seen at { $time } ({ $note })
ev-connector-first-seen-now = first seen now
ev-connector-settings-error = occ config:app:get onlyoffice settings_error: "{ $error }"; { $since }
finding-connector_disabled-title = { $integrator }'s ONLYOFFICE connector disabled itself: { $error }
finding-connector_disabled-why = After a failed connection check the connector stores the error in its app config (settings_error) and refuses to open documents until it is cleared; users only see that ONLYOFFICE is not available, even after the Document Server is fixed.
finding-connector_disabled-next-chain-one = First fix the chain ({ $count } hop red: see the other findings); the connector keeps refusing until its own check passes.
finding-connector_disabled-next-chain-many = First fix the chain ({ $count } hops red: see the other findings); the connector keeps refusing until its own check passes.
finding-connector_disabled-next-clear = Once the chain works, clear it: occ onlyoffice:documentserver --check (runs the connector's check again), or occ config:app:delete onlyoffice settings_error, or save the ONLYOFFICE settings again in Nextcloud's admin page.

# firewall_drop, firewall_reject, selinux_denies, dns_failure, tls_problem (network.rs).
finding-firewall_drop-title = A firewall drops connections to { $target } (the port is open)
finding-firewall_drop-why = The service listens on the port, yet a connect gets no answer at all: packets are dropped on the way, typically by a firewall DROP rule. nginx then answers 504 after proxy_connect_timeout.
finding-firewall_drop-next-list = List the firewall rules for port { $port }: nft list ruleset | grep { $port }; iptables -S | grep { $port }; firewall-cmd --list-all.
finding-firewall_drop-next-remove = Remove the DROP rule or reload the firewall from its saved configuration.
ev-probe-pending = no answer yet from { $target } (probe pending)
finding-firewall_drop-title-pending = A firewall rule drops connections to { $target } (the probe has not answered yet)
finding-firewall_drop-why-pending = A DROP rule in the ruleset matches this port of the chain: connects will get no answer at all, and nginx answers 504 after proxy_connect_timeout. The probe's timeout will confirm it.
finding-firewall_reject-title = A firewall rejects connections to { $target } (the port is open)
finding-firewall_reject-why = The service listens on exactly this address, yet connects are refused: a REJECT rule answers in its place.
finding-firewall_reject-next-list = List the firewall rules for port { $port } (nft list ruleset, iptables -S, firewall-cmd --list-all).
finding-firewall_reject-next-remove = Remove the REJECT rule or reload the firewall from its saved configuration.
ev-selinux-enforcing-on = SELinux enforcing, httpd_can_network_connect on
ev-selinux-enforcing-off = SELinux enforcing, httpd_can_network_connect off
ev-selinux-enforcing-unknown = SELinux enforcing, httpd_can_network_connect unknown
finding-selinux_denies-title = SELinux forbids nginx to connect upstream
finding-selinux_denies-why = connect() fails with 13: Permission denied: with SELinux enforcing, nginx (httpd_t) may not open network connections unless httpd_can_network_connect is on.
finding-selinux_denies-next-setsebool = setsebool -P httpd_can_network_connect 1 (or label the port: semanage port -a -t http_port_t -p tcp PORT).
finding-dns_failure-title = Name resolution fails for { $target }
finding-dns_failure-title-nginx = nginx cannot resolve an upstream name
finding-dns_failure-why = A name in the chain does not resolve: clients cannot find the proxy, or nginx cannot find its upstream (it needs a `resolver` directive for names in variables).
finding-dns_failure-next-getent = getent hosts NAME; cat /etc/resolv.conf; check the DNS record.
finding-dns_failure-next-resolver = For proxy_pass with variables, nginx needs `resolver` in its configuration.
finding-tls_problem-title = TLS problem at { $target }: { $reason }
finding-tls_problem-title-logs = TLS handshakes to an upstream fail
finding-tls_problem-why = An expired, wrong-name or untrusted certificate, or https spoken to a plain-HTTP port, breaks the connection before any request is made.
finding-tls_problem-next-openssl = openssl s_client -connect HOST:PORT -servername NAME to see the certificate.
finding-tls_problem-next-renew = Renew or replace the certificate; for https→http mistakes fix the scheme in proxy_pass or the URL.

# oom_killed, memory_pressure, disk_full (host.rs).
ev-oom-kill = { $time } OOM killer ended { $process } (pid { $pid })
finding-oom_killed-title-x2t = x2t (the converter's worker) was killed for lack of memory
finding-oom_killed-title-x2t-sigkill = x2t (the converter's worker) was killed with SIGKILL, most likely by the OOM killer
finding-oom_killed-why-x2t = x2t converts one document at a time and can need gigabytes for a large one; killed mid-conversion, the document does not open or save (conversion error, 504 on ConvertService.ashx).
finding-oom_killed-next-x2t-memory = Check memory: free -m, the converter and x2t processes (Ports & processes pane), the container's or unit's memory limit.
finding-oom_killed-next-x2t-limit = Add memory or swap, or lower the parallel conversions (FileConverter.converter.maxprocesscount in local.json), then retry the document.
finding-oom_killed-title = { $who } was killed for lack of memory
finding-oom_killed-why = The kernel's OOM killer ended the process mid-request: nginx sees the connection close or reset and answers 502.
finding-oom_killed-next-memory = Check memory: free -m, the heaviest processes (Ports & processes pane), the service's memory limits.
finding-oom_killed-next-restart = Restart the service, then reduce its memory use or add memory / swap.
ev-memory = MemAvailable { $pct } % of { $total } MiB; swap used { $swap } MiB; PSI some avg10 { $psi }
ev-memory-largest = largest process: { $name } (pid { $pid }) { $mib } MiB
finding-memory_pressure-title = Memory is short: { $pct } % available
finding-memory_pressure-why = With little memory left the kernel reclaims hard (slow answers, 504) and the OOM killer ends processes (502).
finding-memory_pressure-next-find = Find the largest processes (Ports & processes pane, ps aux --sort=-rss | head).
finding-memory_pressure-next-free = Free memory or add swap; limit the Document Server's converter workers.
ev-disk-inodes = inodes { $pct } % used
ev-disk-no-inode-limit = no inode limit
ev-disk = { $label }: { $used } % used, { $free } MiB free of { $total } MiB; { $inodes }
ev-disk-ro = { $label }: { $used } % used, { $free } MiB free of { $total } MiB; { $inodes }; mounted read-only
ev-disk-now = now { $fact }
finding-disk_full-title = The filesystem of the { $label } is full ({ $pct } % used)
finding-disk_full-title-inodes = The filesystem of the { $label } is full ({ $pct } % of its inodes used)
finding-disk_full-title-was = The Document Server ran out of disk space (ENOSPC) since it started; there is room again now
finding-disk_full-title-log = The Document Server runs out of disk space (ENOSPC in its log)
finding-disk_full-mount-above = the filesystem named above
finding-disk_full-next-inodes = Find the folder with the most files: du --inodes -x { $mount } | sort -n | tail; remove what is not needed (old cache files, session files).
finding-disk_full-next-space = Find what fills it: du -xh --max-depth=2 { $mount } | sort -h | tail; clear old logs (rotated, journalctl --vacuum-size) and the Document Server's stale cache.
finding-disk_full-next-retry = Until there is room, documents do not open, convert or save (x2t writes to /tmp, the cache to storage.fs.folderPath); then retry them.
finding-disk_full-why = The Document Server writes every document it opens or converts to its cache folder and x2t's temporary files to /tmp; with no space (or no inodes) left those writes fail with ENOSPC and editors report download, conversion or save errors while probes stay green.
