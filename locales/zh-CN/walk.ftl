# The runbook walkthrough, the why-chain, hop reasons (diagnose/{walk,why,mod}.rs, probe/).
# See locales/GLOSSARY.md.

## Connection failures (probe/errors.rs).
hop-connect-refused = { $addr } 拒绝连接：那里没有进程监听（服务停止？端口错误？），或有 REJECT 规则
hop-connect-timeout = 连接 { $addr } 超时：没有应答（防火墙 DROP？主机宕机？）
hop-connect-unreachable = 没有到 { $addr } 的路由（{ $detail }）：路由问题或主机宕机
hop-connect-denied = 连接 { $addr } 时权限不足（EACCES）：本机策略（防火墙、SELinux）禁止
hop-connect-reset = 到 { $addr } 的连接被重置（{ $detail }）
hop-connect-dns = 无法解析 { $addr }：{ $detail }
hop-connect-tls = 与 { $addr } 的 TLS 连接失败：{ $detail }
hop-connect-protocol = { $addr } 没有使用预期的协议：{ $detail }
hop-connect-other = 无法连接 { $addr }：{ $detail }

## Certificates in plain words, a hop's CA file (probe/certs.rs).
cert-ca-file-hint = 内部 CA？请为该环节指定其证书：ca_file = "/etc/ssl/private-ca.pem"
cert-none-presented = 服务器没有出示证书
cert-check-failed = 证书检查失败：{ $error }
cert-self-signed = 自签名证书（不是本机信任的 CA 签发的）
cert-unknown-issuer = 签发它的 CA 不受本机信任
cert-bad-encoding = 证书无法解析
cert-expired = 证书已过期
cert-expired-at = 证书已于 { $at } 过期（现在 { $now }）
cert-not-valid-yet = 证书尚未生效（或本机时钟偏慢）
cert-not-valid-yet-from = 证书从 { $from } 起才生效（现在 { $now }；或本机时钟偏慢）
cert-revoked = 证书已被吊销
cert-critical-extension = 证书含有本机无法检查的关键扩展
cert-revocation-unknown = 证书的吊销状态未知
cert-revocation-list-expired = 吊销列表已过期
cert-bad-signature = 证书签名验证不通过
cert-bad-algorithm = 证书的签名算法不被本机接受
cert-wrong-name = 证书对该名称无效
cert-wrong-name-for = 证书对该名称无效（它适用于 { $names }）
cert-wrong-purpose = 证书不能用于 TLS 服务器（扩展密钥用法）
cert-bad-ocsp = 服务器附带（stapled）的 OCSP 应答无效
cert-refused = 证书被拒绝
cert-refused-because = 证书被拒绝（{ $error }）
cert-ca-used-as-server = 自签名证书被用作服务器证书（不是本机信任的 CA 签发的）
cert-server-used-as-ca = 证书链中把服务器证书当作了 CA
cert-constraint = 证书链违反了其 CA 的约束
cert-ca-file-what = CA 文件
cert-ca-file-unreadable = CA 文件 '{ $path }'：{ $error }
cert-ca-file-too-large = CA 文件 '{ $path }' 大于 { $kib } KiB
cert-ca-file-not-pem = CA 文件 '{ $path }' 不是 PEM 格式：{ $error }
cert-ca-file-empty = CA 文件 '{ $path }' 中没有证书（应有 -----BEGIN CERTIFICATE-----）

## The tls hop (probe/tls.rs).
hop-target-not-host-port = 目标 '{ $target }' 不是 host:port 形式
hop-tls-cert-unparsable = 证书无法解析
hop-tls-trust-store = 无法加载系统信任库：{ $error }
hop-tls-ca-file-unusable = 无法使用 CA 文件 '{ $path }'：{ $error }
hop-tls-bad-sni = '{ $sni }' 不是有效的 TLS 服务器名
hop-tls-setup-failed = TLS 初始化失败：{ $error }
hop-tls-handshake-failed = TLS 握手失败：{ $error }
hop-tls-connect-timeout = 连接 { $addr } 超时
hop-tls-not-tls = { $addr } 不使用 TLS（TLS 端口上是明文 HTTP？检查 proxy_pass / URL 中的协议）
hop-tls-handshake-with-failed = 与 { $addr } 的 TLS 握手失败：{ $error }
hop-tls-no-cert = 没有出示证书
hop-tls-expired = 证书已过期 { $days } 天
hop-tls-wrong-name = 证书适用于 { $names }，不适用于 { $sni }
hop-tls-untrusted = 证书不受本机信任：{ $why }
hop-tls-untrusted-hint = 证书不受本机信任：{ $why } — { $hint }
hop-tls-untrusted-ca-file = 证书不受本机信任：{ $why } — 不是 ca_file { $ca_file } 中的 CA 签发的
hop-tls-expires-soon = 证书将在 { $days } 天后过期
hop-tls-ok = { $version } 正常，{ $sni } 的证书还有 { $days } 天有效
hop-tls-version-other = TLS 版本 { $code }

## The tcp and dns hops, name resolution (probe/tcp.rs, probe/dns.rs).
hop-tcp-ok = { $addr } 接受连接（{ $ms } ms）
hop-tcp-timeout = 连接 { $addr } 在 { $secs } 秒后超时：没有应答（防火墙 DROP？主机宕机？）
hop-tcp-no-address = { $target }：没有可连接的地址
hop-resolve-timeout = 无法解析 { $host }：解析器在 { $secs } 秒内没有应答（检查 /etc/resolv.conf 中的 nameserver）
hop-resolve-empty = { $host } 没有解析到任何地址
hop-resolve-failed = 无法解析 { $host }：{ $error }
hop-dns-no-target = 未配置目标
hop-dns-ok = { $host } → { $addrs }，耗时 { $ms } ms
hop-dns-slow = { $host } → { $addrs }，耗时 { $ms } ms（解析器慢）
hop-dns-failed = 无法解析 { $host }：{ $error }（检查 /etc/hosts、/etc/resolv.conf 和 DNS 记录）

## The http, docserver-health and docserver-command hops (probe/http.rs).
hop-http-client-failed = 无法创建 HTTP 客户端：{ $error }
hop-http-client-ca-failed = 无法用 CA 文件 '{ $path }' 创建 HTTP 客户端：{ $error }
hop-no-answer = { $target } 在 { $secs } 秒内没有应答（服务卡住、过载或丢包）
hop-http-dns = 无法解析 { $who } 的名称：{ $error }
hop-http-untrusted = 与 { $url } 的 TLS 连接失败：证书不受信任：{ $why }
hop-http-untrusted-hint = 与 { $url } 的 TLS 连接失败：证书不受信任：{ $why } — { $hint }
hop-http-closed = { $url } 没有应答就关闭了连接（崩溃或重置）
hop-http-from-nginx = 来自 nginx
hop-http-from-server = 来自服务器
hop-http-502 = 502 Bad Gateway（{ $who }）：nginx 没有从 { $upstream } 得到应答（无监听、被拒绝或被重置）
hop-http-503 = 503 Service Unavailable（{ $who }）：{ $upstream } 过载或在维护中
hop-http-504 = 504 Gateway Timeout（{ $who }）：{ $upstream } 没有及时应答（卡住、缓慢，或防火墙丢弃数据包）
hop-http-the-application = 应用
hop-http-the-docserver = 文档服务器
hop-http-the-command-service = 命令服务
hop-http-redirect = { $status } 重定向到 { $location }（应为 { $want }）
hop-http-unexpected = HTTP { $status }（应为 { $want }）
hop-http-body-lacks = HTTP { $status }，但响应体中没有 { $expected }
hop-http-ok = HTTP { $status }，耗时 { $ms } ms
hop-health-status = 健康检查返回 HTTP { $status }（应为 200 且内容为 true）
hop-health-true = 健康检查为 true，耗时 { $ms } ms
hop-health-false = 健康检查为 false：某个依赖失败（数据库、RabbitMQ、Redis 或存储；见 docservice/out.log）
hop-health-odd = 健康检查返回 { $answer }，不是 true/false：这是文档服务器吗？
hop-command-not-json = HTTP { $status }：不是命令服务的应答（应为含 "error" 的 JSON）
hop-command-secret-config = 配置的（集成方的）密钥
hop-command-secret-local = local.json 中的密钥
hop-command-no-token = 无令牌
hop-command-ok = 命令服务有应答，版本 { $version }
hop-command-token-rejected = 令牌被拒绝（错误 6）：文档服务器不接受 { $secret }：JWT 密钥不一致
hop-command-token-expired = 令牌已过期（错误 7）：本机与文档服务器的时钟不一致
hop-command-error = 命令服务错误 { $code }（{ $text }）
hop-command-no-error-field = HTTP { $status }：应答中没有 "error" 字段
hop-slow = { $ok } — 慢（超过 { $secs } 秒超时的一半）

## The websocket hop (probe/websocket.rs).
hop-ws-not-http = 不是 HTTP 应答（{ $error }）
hop-ws-send-failed = 发送升级请求失败：{ $error }
hop-ws-read-failed = 读取应答失败：{ $error }
hop-ws-closed = 应答到达之前连接就被关闭了
hop-ws-head-too-long = { $bytes } 字节内没有完整的应答头
hop-ws-ok = WebSocket 升级成功（101，Sec-WebSocket-Accept 正确），耗时 { $ms } ms
hop-ws-bad-accept = 返回了 101，但 Sec-WebSocket-Accept 为 '{ $got }'（应为 { $want }）：不是 WebSocket 服务器，或中间有程序改写了握手
hop-ws-no-accept = 返回了 101，但缺少 Sec-WebSocket-Accept（应为 { $want }）：不是 WebSocket 服务器，或中间有程序改写了握手
hop-ws-why-proxy = 反向代理无法连到上游
hop-ws-why-not-passed = 升级请求没有到达服务器：反向代理没有传递 Upgrade/Connection（或对上游使用 HTTP/1.0）
hop-ws-why-none = 没有升级
hop-ws-no-101 = 返回 HTTP { $status } 而不是 101 Switching Protocols：{ $why }
hop-ws-no-101-from = { $server } 返回 HTTP { $status } 而不是 101 Switching Protocols：{ $why }
hop-ws-no-address = { $host }：没有地址

## What a packet capture of a hop says (probe/capture.rs).
capture-unreadable = 无法读取抓包文件 { $path }：{ $error }
capture-not-pcap = 不是 pcap 文件：{ $error }
capture-sent = 发出 { $syn } 个 SYN
capture-sent-retransmitted = 发出 { $syn } 个 SYN（重传 { $retransmitted } 个）
capture-no-syn = 在 { $packets } 个数据包中没有看到发往 { $target } 的 SYN：连接尝试没有到达网卡（本机 OUTPUT 规则丢弃或拒绝了它们，或网卡、地址不对）
capture-syn-ack = { $sent }，收到 { $count } 个 SYN-ACK：握手完成，网络路径正常（问题在 TCP 之上）
capture-rst = { $sent }，收到 { $count } 个 RST：立即被拒绝（那里没有进程监听，或有带 tcp-reset 的 REJECT 规则）
capture-icmp = { $sent }，收到 { $count } 个 ICMP 不可达：在途中被拒绝（REJECT 规则或没有路由）
capture-dropped = { $sent }，没有 SYN-ACK：在到达服务之前被丢弃

## A hop whose probe ran out of time (probe/mod.rs).
hop-timeout-dns = 名称解析在 { $secs } 秒后超时
hop-timeout-tls = { $secs } 秒内没有完成 TLS 握手（服务器没有应答）
hop-timeout-tcp = { $secs } 秒后超时：连接没有应答（防火墙 DROP？主机宕机？）

## The guided walkthrough: the runbook's steps (diagnose/walk.rs).
walk-step-global = 全局视角
walk-step-network = 网络与端口
walk-step-services = 服务状态
walk-step-integration = 集成与认证
walk-step-recovery = 恢复
walk-next-global-red = 从用户侧看第一个故障环节是 { $hop }：从那里沿链路往下查（第 2 步）。
walk-next-global-green = 链路端到端都有应答：如果用户仍看到错误，继续检查集成与认证（第 4 步）。
walk-next-network-red = 有端口应答不正常：检查其后的服务（第 3 步）和防火墙。
walk-next-network-green = 端口有应答：检查各服务的状态（第 3 步）。
walk-next-services-red = 有服务没有运行：见恢复（第 5 步）。
walk-next-services-none = 未配置服务（配置中的 [[service]]）：手动检查应用进程，然后看第 4 步。
walk-next-services-unknown = 服务状态未知（尚未采集或无法读取）：手动检查（systemctl / supervisorctl / docker），然后看第 4 步。
walk-next-services-green = 服务在运行：检查集成与认证（第 4 步）。
walk-next-integration-delivery = 文档服务器的下载或回调失败（它自己的日志这样记录，无论探测结果如何）：见存储和回调方面的发现，然后执行恢复（第 5 步）。
walk-next-integration = 然后执行恢复（第 5 步）。
walk-recovery-label = { $id }（置信度{ $confidence }）
walk-recovery-action = { $title } → 操作 { $action }
walk-next-recovery-run = 执行 { $action }，然后观察链路变绿（目标：诊断 ≤ 5 分钟，规避 ≤ 15 分钟）。
walk-next-recovery-manual = { $step }（{ $id } 没有自动操作）。
walk-next-recovery-clear = 一切正常：无需恢复。
walk-next-recovery-unknown = 未找到根因：查看“错误日志”窗格和各环节的详情。

## Findings as text, shared evidence, causes before consequences (diagnose/mod.rs).
diag-confidence-low = 低
diag-confidence-medium = 中
diag-confidence-high = 高
diag-text-why = 原因：{ $text }
diag-text-next = 下一步：{ $text }
diag-text-action = 操作：{ $action }
diag-ev-log-one = 最近有 1 条 { $class } 记录，最新一条：{ $latest }
diag-ev-log-many = 最近有 { $count } 条 { $class } 记录，最新一条：{ $latest }
diag-ev-capture = { $verdict }（抓包于 { $at }）
finding-hop_failing-title = { $hop } 故障：{ $reason }
finding-hop_failing-why = 没有规则匹配这个故障；它给出的原因是最好的线索。
finding-hop_failing-next = 查看 { $hop } 环节的详情（在控制台中按 Enter）。
diag-first-proxy_config_invalid-proxy_down = 先修复 nginx 的配置（见 proxy_config_invalid）：`nginx -t` 不通过时 nginx 无法启动，现在重启也会失败。
diag-first-ds_config_invalid-service_crash_loop = 先修复配置文件（见 ds_config_invalid）：配置文件无法解析时文档服务器会退出。
diag-first-ds_config_invalid-service_down = 先修复配置文件（见 ds_config_invalid）：配置文件无法解析时文档服务器无法启动，现在重启也会失败。
diag-first-port_taken-service_crash_loop = 先释放端口（见 port_taken）：端口被其他程序占用时文档服务器会退出。
diag-first-port_taken-service_down = 先释放端口（见 port_taken）：端口被其他程序占用时重启会失败。
diag-first-service_crash_loop-service_down = 它不断退出（见 service_crash_loop）：在原因修复之前，重启只会重复同样的退出。
diag-first-database_error-dependency_down = PostgreSQL 有应答但拒绝执行查询（见 database_error）：先解决这个问题；重启依赖服务解决不了。
diag-no-action = 未提供 { $verb } 操作：本机没有服务管理器管理 { $name }（{ $detail }）。

## Why the Document Server is down when a restart cannot fix it (diagnose/rules/why.rs).
finding-port_taken-holder = { $name }（pid { $pid }，{ $addr }:{ $port }）
finding-port_taken-ev-held = TCP 端口 { $port } 被 { $holders } 占用，而不是 { $name }
finding-port_taken-ev-server = { $fact }（Server: { $server }）
finding-port_taken-owner-unknown = 另一个程序（属主未知）
finding-port_taken-next-free = 停止 { $owner } 或将其移出端口 { $port }：它不是文档服务器。然后启动 { $name }。
finding-port_taken-next-find = 找出占用者（需 root）：ss -ltnp 'sport = :{ $port }'
finding-port_taken-next-move = 如果那个程序必须保留，把 { $name } 改到另一个端口，并同步修改 nginx 的上游。
finding-port_taken-title = { $name } 的端口 { $port } 被 { $owner } 占用
finding-port_taken-why = 另一个程序在监听文档服务器的端口：文档服务器无法绑定该端口（listen EADDRINUSE）而退出，在那里应答的也不是文档服务器。端口被占用期间，重启也会同样失败。
finding-tail-its-output = 其输出
finding-tail-last-output = 最后的输出：{ $lines }
finding-ds_config_invalid-ev-parse = { $file } 无法解析：{ $error }
finding-ds_config_invalid-ev-unconfirmed = 未在此确认：{ $why }
finding-ds_config_invalid-the-docserver = 文档服务器
finding-ds_config_invalid-eof = 文件末尾
finding-ds_config_invalid-title = { $file } 在第 { $line } 行第 { $column } 列（{ $at } 处）无法解析：{ $service } 无法启动
finding-ds_config_invalid-next-fix = 修复 { $file }:{ $line }:{ $column }（{ $message }）；用以下命令检查整个文件：python3 -m json.tool { $file }
finding-ds_config_invalid-title-exits = { $service } 退出：其配置文件无法解析（Cannot parse config file）
finding-ds_config_invalid-next-fix-named = 修复上面这行日志中提到的文件；用以下命令检查：python3 -m json.tool FILE
finding-ds_config_invalid-why = 文档服务器启动时读取 local.json（覆盖 default.json），其中任一文件无法解析时就会退出（Cannot parse config file）。在文件能解析之前，任何重启都不会成功。
finding-ds_config_invalid-next-start = 然后启动 { $service }（在此之前重启也会同样失败）。
finding-ds_config_invalid-title-next-restart = { $title } — 下次重启将会失败
finding-service_crash_loop-how-fatal = supervisor FATAL：{ $detail }（已放弃）
finding-service_crash_loop-how-limit = systemd start-limit-hit，已重启 { $restarts } 次（{ $detail }）
finding-service_crash_loop-how-failed = systemd 失败，NRestarts={ $restarts }
finding-service_crash_loop-ev = { $name } 不断退出：{ $how }
finding-service_crash_loop-ev-source = 其最后的输出：{ $source }
finding-service_crash_loop-read-supervisor = supervisorctl tail { $unit } stderr（或 /var/log/onlyoffice/documentserver/ 下它的 err.log）
finding-service_crash_loop-title = { $name } 不断退出：{ $reason }
finding-service_crash_loop-title-how = { $name } 不断退出（{ $how }）
finding-service_crash_loop-why = 该服务启动后立即又退出；其服务管理器反复重试后放弃。重启只会重复同样的退出：原因在它最后写出的内容里（stderr、err.log、journal）。
finding-service_crash_loop-next-read = 查看它退出的原因：{ $command }。
finding-service_crash_loop-next-start = 先修复该原因，然后再启动：{ $command }
