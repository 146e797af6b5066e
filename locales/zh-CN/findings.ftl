# findings 的中文文本。术语见 locales/GLOSSARY.md。
# 服务、依赖、converter、部署、网络和主机的发现
# （diagnose/rules/{mod,service,deps,converter,deploy,network,host}.rs）。

# Shared pieces: list separators, ages.
finding-list-sep = ，
finding-list-semi = ；
age-seconds = { $n } 秒
age-minutes = { $n } 分钟
age-hours = { $n } 小时
age-days = { $n } 天

# Evidence shared by the rules (diagnose/rules/mod.rs).
ev-service-state = { $name } 状态为{ $state }（{ $detail }）
ev-service-state-pid = { $name } 状态为{ $state }，pid { $pid }（{ $detail }）
ev-service-state-restarts = { $name } 状态为{ $state }，已重启 { $restarts } 次（{ $detail }）
ev-service-state-pid-restarts = { $name } 状态为{ $state }，pid { $pid }，已重启 { $restarts } 次（{ $detail }）
ev-listener-none = 没有进程监听 TCP 端口 { $port }
ev-listener-process = { $name }（pid { $pid }）
ev-listener-owner-unknown = 属主未知：{ $reason }
ev-listener-by = { $addr }:{ $port }，属于 { $owner }
ev-listener-some = 正在监听：{ $who }
ev-process-state-cpu = { $name }（pid { $pid }）状态 { $state }，CPU { $cpu } %

# service_down, service_starting, service_hung, dependency_down, docserver_not_found (service.rs).
finding-service_down-title = { $name } 未运行：没有进程监听 { $target }
finding-service_down-why = nginx 转发到一个无进程监听的端口，因此对每个请求都返回 502 Bad Gateway。
finding-service_down-next-restart = 重启 { $name }，观察它能否保持运行。
finding-service_down-next-log = 如果它再次退出，查看其日志（journalctl -u { $name } / supervisor 日志 / docservice/out.log）。
finding-service_starting-title = { $name } 已运行，但尚未监听 { $target }
finding-service_starting-why = 文档服务器连上 RabbitMQ、数据库和 Redis 之后才打开端口；在此之前 nginx 的连接被拒绝。
finding-service_starting-next-deps = 检查 RabbitMQ（:5672）和 PostgreSQL（:5432）：是否在运行且可达？
finding-service_starting-next-log = 查看 docservice/out.log 中的 [AMQP] 或数据库错误；重启后请等待一分钟。
finding-service_hung-title = { $name } 接受连接但无应答
finding-service_hung-why = 端口是通的（内核接受连接），但进程始终无应答：它卡住了、过载了或被暂停（SIGSTOP）。nginx 在 proxy_read_timeout 后放弃，返回 504。
finding-service_hung-next-look = 查看该进程：CPU 是否 100 %？状态是否为 T（已暂停）或 D（等待磁盘）？
finding-service_hung-next-restart = 重启该服务；若再次卡住，先保存其日志和调用栈（如 kill -USR2 / node --inspect）。
finding-dependency_down-title-hop-dep = 依赖故障：{ $hop } 不可用（{ $target }，{ $dep }）
finding-dependency_down-title-hop = 依赖故障：{ $hop } 不可用（{ $target }）
finding-dependency_down-title-unreachable = 依赖故障：文档服务器无法连接 { $dep }：{ $message }
finding-dependency_down-title-health = 依赖故障：文档服务器报告有依赖失败（healthcheck 为 false）
finding-dependency_down-title-log = 依赖故障：文档服务器日志中有依赖错误
finding-dependency_down-why = 文档服务器依赖 PostgreSQL、RabbitMQ 和 Redis（以及存储）。其中之一故障时 /healthcheck 返回 false；启动时若 RabbitMQ 或数据库不可用，docservice 不会监听，nginx 返回 502。
finding-dependency_down-next-check = 检查 postgresql、rabbitmq-server 和 redis-server：是否在运行？是否监听 5432 / 5672 / 6379？
finding-dependency_down-next-log = 查看 docservice/out.log 中的 [AMQP]、sqlQuery、postgresql pool 或 redisClient 错误。
finding-dependency_down-next-restart = 依赖恢复后，重启 ds-docservice 使其重新连接。
finding-dependency_down-next-named = 文档服务器无法连接的是 { $dep }：{ $svc } 是否在运行并监听？
ev-docserver-no-settings = 没有 { $path }（文档服务器的配置）
ev-docserver-no-service = 没有服务管理器管理 { $name }（{ $detail }）
ev-docserver-no-process = { $total } 个进程中没有文档服务器进程（docservice、converter）
finding-docserver_not_found-title = 本机上没有找到 ONLYOFFICE 文档服务器
finding-docserver_not_found-why = 所检查的链路是 nginx 后面的 ONLYOFFICE 文档服务器（内置配置档或此配置），但本机上没有任何文档服务器：这些故障环节描述的是本机没有的链路，而不是服务中断。请让本工具检查本机实际提供的链路。
finding-docserver_not_found-next-generic = nginx 后面是其他应用：triage502 --profile generic --proxy-url URL --app-url URL（或以相同选项运行 `check`）。
finding-docserver_not_found-next-elsewhere = 文档服务器在别处（其他主机、容器、其他端口）：`triage502 config init FILE`，编辑其中的环节和服务，然后以 --config FILE 运行。
finding-docserver_not_found-next-settings = 其配置在别的位置：在配置中设置 [onlyoffice] local_json。

# database_error (deps.rs).
db-cause-password = 密码认证失败
db-fix-password = local.json 中的密码（services.CoAuthoring.sql.dbPass）与 PostgreSQL 用户 { $quoted } 的密码不一致：使两者一致（以 postgres 身份执行 ALTER USER { $user } WITH PASSWORD '…'，或修改 dbPass），然后重启 ds-docservice 和 ds-converter。
db-cause-no-table = 数据表不存在（从未创建 schema）
db-fix-no-table = 数据库中没有 ONLYOFFICE 的数据表：以数据库用户身份用 schema 文件创建：psql -h localhost -U onlyoffice -d onlyoffice -f /var/www/onlyoffice/documentserver/server/schema/postgresql/createdb.sql
db-cause-syntax = SQL 语法错误（PostgreSQL 低于 9.5？）
db-fix-syntax = 文档服务器的查询（INSERT … ON CONFLICT）需要 PostgreSQL 9.5 或更新版本：用 `SELECT version();` 检查并升级 PostgreSQL。
db-cause-too-many = 连接数过多
db-fix-too-many = PostgreSQL 拒绝新连接：调大 postgresql.conf 中的 max_connections（或调小文档服务器的 services.CoAuthoring.sql.connectionlimit），并查找占用连接的其他客户端（SELECT count(*) FROM pg_stat_activity）。
db-cause-no-database = 数据库不存在
db-fix-no-database = 创建 local.json 中指定的数据库（services.CoAuthoring.sql.dbName），属主为其用户，再创建 schema（createdb.sql）。
db-cause-other = 查询失败
db-fix-other = 查看 docservice/out.log 中的完整错误，并检查 PostgreSQL 自身在同一时间的日志。
ev-db-failed-one = 1 次查询失败，时间 { $first } 至 { $latest }
ev-db-failed-one-doc = 1 次查询失败，时间 { $first } 至 { $latest }，涉及 1 个文档
ev-db-failed-many = { $count } 次查询失败，时间 { $first } 至 { $latest }
ev-db-failed-many-doc = { $count } 次查询失败，时间 { $first } 至 { $latest }，涉及 1 个文档
ev-db-failed-many-docs = { $count } 次查询失败，时间 { $first } 至 { $latest }，涉及 { $docs } 个文档
finding-database_error-title = 文档服务器的数据库查询失败：{ $cause }
finding-database_error-why = PostgreSQL 有应答，但拒绝了文档服务器的查询或执行失败：端口虽然是通的，文档却无法打开或保存。
finding-database_error-next-psql = 在文档服务器所在主机上用它自己的配置检查：psql -h HOST -U USER -d DB -c 'SELECT count(*) FROM task_result'

# converter_timeout and the converter's evidence (converter.rs).
ev-lines-one = { $count } 行
ev-lines-many = { $count } 行
ev-lines-docs-one = { $count } 个文档
ev-lines-docs-many = { $count } 个文档
ev-lines-span = 最早 { $first }，最晚 { $last }
ev-lines-with-summary = { $fact }（{ $summary }）
ev-converter-process = { $role } pid { $pid } 状态 { $state } CPU { $cpu } % 内存 { $mib } MiB
ev-converter-process-up = { $role } pid { $pid } 状态 { $state } CPU { $cpu } % 内存 { $mib } MiB，已运行 { $age }
ev-converter-no-process = 没有运行中的 converter 或 x2t 进程
ev-converter-read-timeout-set = { $server }：{ $location }（{ $at }）处理 /ConvertService.ashx；proxy_read_timeout { $value }（设置于 { $set_at }）
ev-converter-read-timeout-default = { $server }：{ $location }（{ $at }）处理 /ConvertService.ashx；proxy_read_timeout { $value }（nginx 默认值）
ev-converter-access-504 = 在访问日志的时间范围内，客户端在转换服务（ConvertService.ashx）上收到 { $count }×504
finding-converter_timeout-title = /healthcheck 为 true，但转换超时（{ $counts }）
finding-converter_timeout-count-nginx = { $count } 次 nginx 读取超时
finding-converter_timeout-count-ds = { $count } 次 receiveTask 超时
finding-converter_timeout-why = 文档服务器的健康检查正常，但转换服务（ConvertService.ashx）没能及时完成：它卡住了、过载了，或 x2t 处理大文档很慢。nginx 在 proxy_read_timeout 后放弃，编辑器报告转换错误或 504。
finding-converter_timeout-next-busy = 有 x2t 正忙于转换（见上方的 CPU 和运行时长）：文档很大或已损坏；等它完成或结束它（kill PID），然后重试该文档。
finding-converter_timeout-next-timeout-shown = 大文档的转换时间超过 nginx 的等待时间：调大上面所示 location 的 proxy_read_timeout（如 300s），然后重新加载 nginx。
finding-converter_timeout-next-timeout = 转换时间超过 nginx 的等待时间：调大处理 ConvertService.ashx 的 location 的 proxy_read_timeout，然后重新加载 nginx。
finding-converter_timeout-next-idle = 如果转换服务空闲（没有 x2t，CPU 很低），说明它卡住了：重启它（ds-converter / supervisorctl restart ds:converter）。
finding-converter_timeout-next-no-health = 未配置 /healthcheck 环节：添加一个 docserver-health 环节，以区分是转换服务卡住还是文档服务器卡住。

# jwt_secret_ephemeral, connector_disabled (deploy.rs).
ev-docker-jwt-enabled-unset = 未设置 JWT_ENABLED（自 7.2 起 JWT 默认开启）
ev-docker-image-unknown = 未知
ev-docker-no-jwt-secret = docker inspect { $container }：镜像 { $image }，{ $enabled }，环境变量中没有 JWT_SECRET
ev-docker-config-mount = /etc/onlyoffice/documentserver 挂载自 { $src }
finding-jwt_secret_ephemeral-title = Docker 文档服务器 { $container } 没有设置 JWT_SECRET：每次重启 JWT 密钥都会改变
finding-jwt_secret_ephemeral-why = 未指定 JWT_SECRET 时，镜像的启动脚本在容器每次启动时都将其设为新的随机值（pwgen -s 32）：集成方仍使用旧密钥，下次重启或更新后每个请求都会因令牌错误被拒绝。
finding-jwt_secret_ephemeral-next-fix = 给容器设置固定密钥：在其环境变量中设置 JWT_SECRET=<集成方的 jwt_secret>（docker run -e / compose `environment:`），然后重建容器（{ $container }）。
finding-jwt_secret_ephemeral-next-until = 在此之前，避免重启或更新该容器；用以下命令读取当前密钥：docker exec CONTAINER documentserver-jwt-status.sh
ev-connector-first-seen = triage502 于 { $time } 首次观察到
ev-connector-seen-note = 观察于 { $time }（{ $note }）
ev-connector-first-seen-now = 本次首次观察到
ev-connector-settings-error = occ config:app:get onlyoffice settings_error: "{ $error }"；{ $since }
finding-connector_disabled-title = { $integrator } 的 ONLYOFFICE 连接器已自行停用：{ $error }
finding-connector_disabled-why = 连接检查失败后，连接器把错误保存在其应用配置（settings_error）中，在清除之前拒绝打开文档；即使文档服务器已修复，用户也只会看到 ONLYOFFICE 不可用。
finding-connector_disabled-next-chain-one = 先修复链路（{ $count } 个环节故障：见其他发现）；在连接器自己的检查通过之前，它会一直拒绝。
finding-connector_disabled-next-chain-many = 先修复链路（{ $count } 个环节故障：见其他发现）；在连接器自己的检查通过之前，它会一直拒绝。
finding-connector_disabled-next-clear = 链路恢复后清除该错误：occ onlyoffice:documentserver --check（重新运行连接器的检查），或 occ config:app:delete onlyoffice settings_error，或在 Nextcloud 管理页面中重新保存 ONLYOFFICE 设置。

# firewall_drop, firewall_reject, selinux_denies, dns_failure, tls_problem (network.rs).
finding-firewall_drop-title = 防火墙丢弃了到 { $target } 的连接（端口是开着的）
finding-firewall_drop-why = 服务在该端口监听，但连接完全得不到应答：数据包在途中被丢弃，通常是防火墙的 DROP 规则所致。nginx 随后在 proxy_connect_timeout 后返回 504。
finding-firewall_drop-next-list = 列出端口 { $port } 的防火墙规则：nft list ruleset | grep { $port }; iptables -S | grep { $port }; firewall-cmd --list-all。
finding-firewall_drop-next-remove = 删除该 DROP 规则，或按已保存的配置重新加载防火墙。
ev-probe-pending = { $target } 尚无应答（探测进行中）
finding-firewall_drop-title-pending = 防火墙规则丢弃到 { $target } 的连接（探测尚无结果）
finding-firewall_drop-why-pending = 规则集中有一条 DROP 规则匹配链路上的这个端口：连接将完全得不到应答，nginx 会在 proxy_connect_timeout 后返回 504。探测超时后即可确认。
finding-firewall_reject-title = 防火墙拒绝了到 { $target } 的连接（端口是开着的）
finding-firewall_reject-why = 服务正是在这个地址上监听，但连接被拒绝：是一条 REJECT 规则代替它作了应答。
finding-firewall_reject-next-list = 列出端口 { $port } 的防火墙规则（nft list ruleset、iptables -S、firewall-cmd --list-all）。
finding-firewall_reject-next-remove = 删除该 REJECT 规则，或按已保存的配置重新加载防火墙。
ev-selinux-enforcing-on = SELinux 为 enforcing，httpd_can_network_connect 为 on
ev-selinux-enforcing-off = SELinux 为 enforcing，httpd_can_network_connect 为 off
ev-selinux-enforcing-unknown = SELinux 为 enforcing，httpd_can_network_connect 未知
finding-selinux_denies-title = SELinux 禁止 nginx 连接上游
finding-selinux_denies-why = connect() 失败（13: Permission denied）：SELinux 为 enforcing 时，除非 httpd_can_network_connect 为 on，nginx（httpd_t）不能发起网络连接。
finding-selinux_denies-next-setsebool = setsebool -P httpd_can_network_connect 1（或给端口打标签：semanage port -a -t http_port_t -p tcp PORT）。
finding-dns_failure-title = { $target } 的域名解析失败
finding-dns_failure-title-nginx = nginx 无法解析上游的域名
finding-dns_failure-why = 链路中有域名无法解析：客户端找不到反向代理，或 nginx 找不到其上游（变量中的域名需要 `resolver` 指令）。
finding-dns_failure-next-getent = getent hosts NAME; cat /etc/resolv.conf；检查 DNS 记录。
finding-dns_failure-next-resolver = proxy_pass 中使用变量时，nginx 配置中需要 `resolver`。
finding-tls_problem-title = { $target } 的 TLS 问题：{ $reason }
finding-tls_problem-title-logs = 与上游的 TLS 握手失败
finding-tls_problem-why = 证书过期、名称不符或不受信任，或对纯 HTTP 端口使用 https，都会在发出任何请求之前中断连接。
finding-tls_problem-next-openssl = 用 openssl s_client -connect HOST:PORT -servername NAME 查看证书。
finding-tls_problem-next-renew = 续期或更换证书；如果是 https→http 用错，修正 proxy_pass 或 URL 中的协议。

# oom_killed, memory_pressure, disk_full (host.rs).
ev-oom-kill = { $time } OOM killer 结束了 { $process }（pid { $pid }）
finding-oom_killed-title-x2t = x2t（转换服务的工作进程）因内存不足被杀死
finding-oom_killed-title-x2t-sigkill = x2t（转换服务的工作进程）被 SIGKILL 杀死，很可能是 OOM killer 所为
finding-oom_killed-why-x2t = x2t 一次转换一个文档，大文档可能需要数 GB 内存；转换中途被杀死，文档就无法打开或保存（转换错误，ConvertService.ashx 返回 504）。
finding-oom_killed-next-x2t-memory = 检查内存：free -m、converter 和 x2t 进程（“端口与进程”窗格）、容器或单元的内存限制。
finding-oom_killed-next-x2t-limit = 增加内存或 swap，或减少并行转换数（local.json 中的 FileConverter.converter.maxprocesscount），然后重试该文档。
finding-oom_killed-title = { $who } 因内存不足被杀死
finding-oom_killed-why = 内核的 OOM killer 在请求处理中途结束了该进程：nginx 看到连接被关闭或重置，返回 502。
finding-oom_killed-next-memory = 检查内存：free -m、占用最多的进程（“端口与进程”窗格）、服务的内存限制。
finding-oom_killed-next-restart = 重启该服务，然后降低其内存占用或增加内存 / swap。
ev-memory = MemAvailable 为 { $total } MiB 的 { $pct } %；swap 已用 { $swap } MiB；PSI some avg10 { $psi }
ev-memory-largest = 占用最多的进程：{ $name }（pid { $pid }）{ $mib } MiB
finding-memory_pressure-title = 内存不足：可用 { $pct } %
finding-memory_pressure-why = 剩余内存很少时，内核会大量回收内存（响应变慢，504），OOM killer 会结束进程（502）。
finding-memory_pressure-next-find = 找出占用最多的进程（“端口与进程”窗格，ps aux --sort=-rss | head）。
finding-memory_pressure-next-free = 释放内存或增加 swap；限制文档服务器转换服务的工作进程数。
ev-disk-inodes = inode 已用 { $pct } %
ev-disk-no-inode-limit = 无 inode 限制
ev-disk = { $label }：已用 { $used } %，剩余 { $free } MiB（共 { $total } MiB）；{ $inodes }
ev-disk-ro = { $label }：已用 { $used } %，剩余 { $free } MiB（共 { $total } MiB）；{ $inodes }；只读挂载
ev-disk-now = 现在 { $fact }
finding-disk_full-title = { $label } 所在的文件系统已满（已用 { $pct } %）
finding-disk_full-title-inodes = { $label } 所在的文件系统已满（inode 已用 { $pct } %）
finding-disk_full-title-was = 文档服务器自启动以来曾耗尽磁盘空间（ENOSPC）；现在已有空间
finding-disk_full-title-log = 文档服务器磁盘空间耗尽（其日志中有 ENOSPC）
finding-disk_full-mount-above = 上面提到的文件系统
finding-disk_full-next-inodes = 找出文件最多的目录：du --inodes -x { $mount } | sort -n | tail；删除不需要的文件（旧的缓存文件、会话文件）。
finding-disk_full-next-space = 找出占满空间的内容：du -xh --max-depth=2 { $mount } | sort -h | tail；清理旧日志（已轮转的日志，journalctl --vacuum-size）和文档服务器的过期缓存。
finding-disk_full-next-retry = 腾出空间之前，文档无法打开、转换或保存（x2t 写入 /tmp，缓存写入 storage.fs.folderPath）；之后请重试。
finding-disk_full-why = 文档服务器把它打开或转换的每个文档写入缓存目录，把 x2t 的临时文件写入 /tmp；没有剩余空间（或 inode）时这些写入以 ENOSPC 失败，编辑器报告下载、转换或保存错误，而探测仍然正常。
