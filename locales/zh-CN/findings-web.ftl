# Findings about the proxy, storage and integration (diagnose/rules/{proxy,storage,integration}.rs).
# Ids: finding-<id>-title / -why / -next-N, ev-<what>. See locales/GLOSSARY.md.

## proxy.rs

finding-proxy_down-title = nginx 在 { $target } 上无应答
finding-proxy_down-why = 反向代理的端口上没有进程接受连接，所有请求在到达应用之前就已失败。
finding-proxy_down-next-restart = 启动或重启 nginx；若它无法持续运行，执行 `nginx -t` 查看配置错误。
finding-proxy_down-next-log = 查看 nginx 错误日志末尾的 [emerg] 行（端口已被占用、缺少证书）。

finding-proxy_config_invalid-title = nginx 配置测试失败：{ $message }
finding-proxy_config_invalid-why = nginx 不会加载未通过测试的配置：下一次重新加载或重启都不会采用它。
finding-proxy_config_invalid-next-fix-at = 修复 { $at } 处的错误，然后在重新加载前再次执行 `nginx -t`。
finding-proxy_config_invalid-next-fix-in = 修复 { $file } 中的错误，然后在重新加载前再次执行 `nginx -t`。
finding-proxy_config_invalid-next-fix = 修复该错误，然后在重新加载前再次执行 `nginx -t`。
finding-proxy_config_invalid-next-until = 修复之前，重新加载或重启 nginx 都会失败（正在运行的 nginx 保留旧配置）。
ev-nginx-test-at = { $message }（位于 { $at }）
ev-nginx-test-in = { $message }（在 { $file } 中）

finding-proxy_target_mismatch-title-elsewhere = nginx 代理到 { $endpoint }，但应用只监听 { $listeners }
finding-proxy_target_mismatch-title-nothing = nginx 代理到 { $endpoint }，但那里没有进程监听
finding-proxy_target_mismatch-title-upstream = nginx 从上游得不到应答，而直接访问应用有应答
finding-proxy_target_mismatch-why = nginx 的 proxy_pass / upstream 指向应用未监听的地址或端口，而应用本身在其实际地址上正常应答。
finding-proxy_target_mismatch-next-compare = 对比 proxy_pass / upstream 的 server 与应用实际监听的地址（“端口与进程”窗格，ss -ltnp）。
finding-proxy_target_mismatch-next-fix = 修正 nginx 配置中的地址，执行 nginx -t，然后重新加载 nginx。
finding-proxy_target_mismatch-next-point = 将上游指向 { $listener }（nginx -t 后重新加载 nginx），或让应用同时监听 { $endpoint }（其 listen/bind 设置）并重启应用。
ev-proxy-target-real = 应用在 { $addresses } 上应答：请将 proxy_pass / upstream 指向这里
ev-nginx-target = server { $server } location { $location } { $directive } → { $endpoint }：{ $status }
ev-nginx-target-instead = server { $server } location { $location } { $directive } → { $endpoint }：{ $status }；实际监听：{ $listeners }
ev-nginx-target-upstream = server { $server } location { $location } { $directive } → { $endpoint }（upstream { $upstream }）：{ $status }
ev-nginx-target-upstream-instead = server { $server } location { $location } { $directive } → { $endpoint }（upstream { $upstream }）：{ $status }；实际监听：{ $listeners }
ev-nginx-target-status-nothing = 该处没有进程监听
ev-nginx-target-status-elsewhere = 该端口只在其他地址上监听
ev-nginx-target-status-socket = 套接字文件不存在
ev-nginx-target-status-unreachable = 不可达

finding-proxy_target_mismatch-family-title-one = nginx 还会为 { $target } 尝试 { $endpoint }（日志记录 1 次失败尝试）：应用只监听一种地址族
finding-proxy_target_mismatch-family-title-many = nginx 还会为 { $target } 尝试 { $endpoint }（日志记录 { $n } 次失败尝试）：应用只监听一种地址族
finding-proxy_target_mismatch-family-why = nginx 把 proxy_pass / upstream 中的主机名解析为它的全部地址（localhost：127.0.0.1 和 ::1）并依次尝试；没有进程监听的那个地址会让部分请求失败，nginx 再到另一个地址上重试。用户大多能访问，但每个这样的请求都要等一次失败尝试，错误日志不断增长，而当可用的地址失败时就没有第二次机会。
finding-proxy_target_mismatch-family-next-address = 用应用实际监听的地址代替主机名（{ $address }），然后 nginx -t 并重新加载；或让应用同时监听两种地址族。
ev-nginx-two-families-upstream = server { $server } location { $location } { $directive } { $target }：upstream { $upstream } 的 server 为 { $live } 和 { $endpoint }；应用只监听 { $listeners }
ev-nginx-two-families-name = server { $server } location { $location } { $directive } { $target }：解析为 { $live } 和 { $endpoint }；应用只监听 { $listeners }

finding-header_buffer_too_small-title = 应用的响应头超出 nginx 的代理缓冲区
finding-header_buffer_too_small-why = nginx 将上游的响应头读入 proxy_buffer_size（默认 4k 或 8k）；更大的响应头（大 cookie、长 CSP）会使它返回 502。
finding-header_buffer_too_small-next-raise = 在该 location 中调大缓冲区：proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;
finding-header_buffer_too_small-next-reload = 执行 nginx -t 并重新加载 nginx。

finding-websocket_not_proxied-title = WebSocket 升级经反向代理失败（{ $proxied }），直连正常（{ $direct }）
finding-websocket_not_proxied-why = 编辑器与文档服务器保持一条 WebSocket 连接（/doc/<id>/c/?EIO=4&transport=websocket）；若代理的 location 不传递 Upgrade 和 Connection，或以 HTTP/1.0 连接上游，升级就变成普通 GET：编辑器一直停在加载中，且任何地方都没有 502。
finding-websocket_not_proxied-next-headers = 在代理到文档服务器的 location 中添加：proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;（并配合 map $http_upgrade $connection_upgrade {"{"} default upgrade; '' close; {"}"}），然后 nginx -t 并重新加载。
ev-nginx-headers-missing = { $server } location { $location }（proxy_pass { $pass }，位于 { $at }）：缺少 { $missing }

finding-upload_too_large-title = nginx 拒绝了发往 { $path } 的上传（{ $size }，413）
finding-upload_too_large-title-limit = nginx 拒绝了发往 { $path } 的上传（{ $size }，413）：client_max_body_size 为 { $limit }
finding-upload_too_large-size-unknown = 大小未知
finding-upload_too_large-why = 当请求体超过处理它的 location 的 client_max_body_size（默认 1m）时，nginx 返回 413 Request Entity Too Large：超过该大小的文档无法上传或保存，无论文档服务器允许多大。
finding-upload_too_large-next-raise = 在处理 { $path } 的 server 或 location 中调大 client_max_body_size（例如 client_max_body_size 100m;），然后 nginx -t 并重新加载。
ev-nginx-body-limit-set = { $server } { $location }（位于 { $at }）：client_max_body_size { $value }（设置于 { $set }）
ev-nginx-body-limit-default = { $server } { $location }（位于 { $at }）：client_max_body_size { $value }（nginx 默认值）
ev-nginx-body-limit-server = { $server }：没有 location 处理 { $path }；适用 server 级别的 client_max_body_size

## storage.rs: the Document Server's downloads and callbacks, from its log

ev-ds-host-unnamed = 未命名主机
ev-ds-what-ipfilter = ipfilter 错误码 { $code }
ev-ds-what-private-ip = 私有 IP 地址
ev-ds-what-error = 错误
ev-ds-docs-none = 日志未记录文档 ID
ev-ds-docs-one = 1 个文档
ev-ds-docs-many = { $n } 个文档
ev-ds-when-at = 于 { $time }
ev-ds-when-range = 最早 { $first }，最晚 { $last }
ev-ds-when-none = 日志未记录时间
ev-ds-downloads-one = { $host }：1 次下载出现 { $what }（{ $docs }），{ $when }；最近一条：{ $latest }
ev-ds-downloads-many = { $host }：{ $n } 次下载出现 { $what }（{ $docs }），{ $when }；最近一条：{ $latest }
ev-ds-callbacks-one = { $host }：1 次回调出现 { $what }（{ $docs }），{ $when }；最近一条：{ $latest }
ev-ds-callbacks-many = { $host }：{ $n } 次回调出现 { $what }（{ $docs }），{ $when }；最近一条：{ $latest }
ev-ds-headline = { $what }，{ $docs }

finding-storage_denied-logs-title = 存储 { $host } 拒绝文档服务器的下载（{ $headline }）
finding-storage_denied-logs-why = 文档服务器在打开或转换每个文档之前，先从集成方的存储下载它；那里返回 401/403/404 意味着用户看到 'Download failed'，而链路上的每个探测都通过。
finding-storage_denied-logs-next-express = 该应答来自一个文档服务器（x-powered-by: Express）：{ $host } 的存储名称解析到了文档服务器自身（共用的名称、/etc/hosts、容器的 DNS）。让该名称在文档服务器所在主机上解析到集成方，或为集成方配置一个内部存储地址（Nextcloud：StorageUrl）。
finding-storage_denied-logs-next-404 = 该 URL 在 { $host } 上不存在：检查集成方的存储地址（Nextcloud：StorageUrl / overwrite.cli.url），并确认该路径在那里可访问（在文档服务器所在主机上执行 curl -sI URL）。
finding-storage_denied-logs-next-jwt = { $host } 拒绝文档服务器的下载：通常是集成方拒绝了它的 JWT。文档服务器用 services.CoAuthoring.secret.outbox.string 为下载签名；使其与集成方的密钥一致（Nextcloud：occ config:app:get onlyoffice jwt_secret）。

finding-storage_unreachable-logs-title = 文档服务器无法访问存储 { $host }（{ $headline }）
finding-storage_unreachable-logs-why = 文档在打开前从集成方的存储下载；在文档服务器看来，存储拒绝连接、无法解析、不可达或未及时应答时，用户会看到 'Download failed'，而链路上的每个探测都通过。
finding-storage_unreachable-logs-next-refused = 在文档服务器看来，{ $host } 上没有进程接受连接：检查集成方的 Web 服务器及其存储地址中的端口（在文档服务器所在主机上执行 curl -sv URL，Docker 则在容器内执行）。
finding-storage_unreachable-logs-next-dns = { $host } 的名称在文档服务器所在主机上无法解析：在那里执行 getent hosts NAME（Docker 则在容器内），修正 DNS 或 /etc/hosts，或为集成方配置一个可解析的存储地址。
finding-storage_unreachable-logs-next-route = 文档服务器没有到 { $host } 的路由：检查其地址、路由以及两者之间的防火墙（ip route get ADDRESS）。
finding-storage_unreachable-logs-next-5xx = { $host } 对下载返回服务器错误：查看集成方的 Web 服务器和 PHP 在这些时间点的日志。
finding-storage_unreachable-logs-next-timeout = { $host } 未在转换服务的超时（FileConverter.converter.downloadTimeout）内应答：检查两者之间是否有防火墙丢包，以及存储是否过慢（在文档服务器所在主机上执行 time curl -so /dev/null URL）。

finding-private_ip_blocked-logs-title-ipfilter = 文档服务器自身的 ip 过滤器拒绝了 { $host }（{ $headline }）
finding-private_ip_blocked-logs-title-private = 文档服务器拒绝 { $host } 的私有地址（{ $headline }）
finding-private_ip_blocked-logs-why = 除非 allowPrivateIPAddress 为 true，文档服务器的请求过滤器会拒绝私有、回环和链路本地地址（'is not allowed. Because, It is private IP address'），它的 ip 过滤器（services.CoAuthoring.ipfilter.rules）也可能拒绝主机（'checkIpFilter error'）：下载或回调根本不会离开文档服务器。
finding-private_ip_blocked-logs-next-ipfilter = services.CoAuthoring.ipfilter.rules（local.json）中的一条 deny 规则匹配了 { $host }：在该 deny 之前为它添加一条允许规则（第一条匹配的规则生效），然后重启 ds-converter 和 ds-docservice。
finding-private_ip_blocked-logs-next-private = 在 local.json 中设置 services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress = true（Docker：ALLOW_PRIVATE_IP_ADDRESS=true）并重启 ds-converter 和 ds-docservice，或为集成方配置一个使用公网名称的存储地址。

finding-document_too_large-title = 来自 { $host } 的文档超出文档服务器接受的大小（{ $headline }）
finding-document_too_large-why = 下载超过 FileConverter.converter.maxDownloadBytes 时，转换服务会中止它（EMSGSIZE，转换错误 -10）：无论链路状态如何，文档都无法打开。
finding-document_too_large-next-raise = 在 local.json 中把 FileConverter.converter.maxDownloadBytes 调到大于该文档的大小（上传还需调大 nginx 的 client_max_body_size），然后重启 ds-converter。
ev-ds-max-download-set = FileConverter.converter.maxDownloadBytes 为 { $bytes } 字节（{ $mib } MiB，来自 { $file }）
ev-ds-max-download-default = FileConverter.converter.maxDownloadBytes 未设置：适用默认值 { $bytes } 字节（100 MiB）
ev-ds-max-download-unknown = 无法确定配置的 maxDownloadBytes：{ $problems }

finding-tls_problem-logs-title = 文档服务器拒绝存储 { $host } 的证书（{ $headline }）
finding-tls_problem-logs-why = 文档服务器下载文档时会校验存储的证书；自签名、已过期、名称不符或无法验证的证书会使每次下载失败，而链路本身一切正常。
finding-tls_problem-logs-next-expired = { $host } 的证书已过期：在存储上续期证书。
finding-tls_problem-logs-next-name = { $host } 的证书不包含文档服务器所请求的主机名：在集成方的存储地址中使用证书上的名称，或用该名称重新签发证书。
finding-tls_problem-logs-next-trust = { $host } 提供的证书不被文档服务器信任（{ $what }）：使用受信任 CA 签发的证书，或将其 CA 加入文档服务器的信任库（仅作临时方案：services.CoAuthoring.requestDefaults.rejectUnauthorized = false）。

finding-callback_failed-title = 文档服务器无法将保存的文档回传到 { $host }（{ $headline }）
finding-callback_failed-why = 编辑结束后，文档服务器将结果 POST 到集成方的回调地址；该请求失败时（被拒绝、超时、4xx/5xx），修改不会被保存（'The document could not be saved'），而链路一切正常。
finding-callback_failed-next-4xx = { $host } 拒绝了回调（{ $what }）：核对集成方的 JWT 密钥与 services.CoAuthoring.secret.outbox.string 是否一致，并确认它下发的回调地址正确。
finding-callback_failed-next-5xx = { $host } 上的集成方在处理回调时出错：查看其 Web 服务器和应用在这些时间点的日志。

finding-callback_redirect-logs-title = 回调地址 { $host } 返回重定向（{ $headline }）
finding-callback_redirect-logs-why = 文档服务器的回调 POST 不跟随重定向：301/302（常见于 http → https）意味着修改永远不会被保存（'postData error ... statusCode:301'）。
finding-callback_redirect-logs-next-final = 将最终 URL（https）配置为集成方的回调/存储地址（Nextcloud：StorageUrl / overwrite.cli.url；Seafile：SERVICE_URL）。

walk-storage-ds-download-from = 文档服务器从 { $host } 下载
walk-storage-ds-callback-to = 文档服务器回调 { $host }
walk-storage-ds-failures = 自上次启动以来失败 { $n } 次（{ $docs }，{ $when }）；最近错误：{ $last }

## integration.rs: the integration report, the JWT sides, clocks

finding-jwt_mismatch-hops-title = 文档服务器与集成方的 JWT 密钥不一致
finding-jwt_mismatch-hops-why = 文档服务器拒绝未用其自身密钥签名的令牌（命令服务错误 6，checkJwt 错误）：编辑器打不开，提示 'Document Server is not available' 或下载错误。
finding-jwt_mismatch-hops-next-compare = 将 /etc/onlyoffice/documentserver/local.json 中的 services.CoAuthoring.secret.inbox.string 与集成方的密钥对比（Nextcloud：occ config:app:get onlyoffice jwt_secret）。
finding-jwt_mismatch-hops-next-same = 在两侧设置相同的密钥，然后重启 ds-docservice（以及 ds-converter）。
ev-jwt-fingerprint-none = 无
ev-jwt-fingerprint-unknown = 未知
ev-jwt-probe-token = 令牌用 { $source } 密钥签名，指纹 { $fp }；文档服务器 local.json 中密钥的指纹为 { $ds }
ev-jwt-probe-token-unread = 令牌用 { $source } 密钥签名，指纹 { $fp }；无法读取文档服务器的密钥

finding-jwt_mismatch-report-title-secrets = JWT 密钥不一致：文档服务器为 { $ds }，{ $name } 为 { $fp }
finding-jwt_mismatch-report-title-settings = 文档服务器与 { $name } 的 JWT 设置不一致
finding-jwt_mismatch-report-title-rejected = 文档服务器拒绝了探测的令牌
finding-jwt_mismatch-report-why = 文档服务器只接受用其自身密钥签名、放在它所期望的请求头中的令牌；{ $name } 按自己的设置签名，因此其请求被拒绝（命令服务错误 6，docservice/out.log 中的 'checkJwt error'），编辑器提示 'Document Server is not available' 或下载错误。
finding-jwt_mismatch-report-next-verdict = 结论：{ $verdict }。
finding-jwt_mismatch-report-next-compare = 将 local.json 中的 services.CoAuthoring.secret.inbox.string（以及 token.inbox.header），或容器的 JWT_SECRET/JWT_HEADER，与集成方的设置对比。
finding-jwt_mismatch-report-next-equal = 使两侧一致，然后重启 ds-docservice 和 ds-converter（或容器），并重新加载集成方。
ev-jwt-docserver-secret = 文档服务器密钥的指纹为 { $fp }（来自 { $sources }）
ev-jwt-sources-none = 无可读取的来源
ev-jwt-integrator-secret = { $name } 密钥的指纹为 { $fp }（来自 { $source }）
ev-jwt-source-none = 无
ev-jwt-command-docserver = 用文档服务器密钥签名的令牌（指纹 { $fp }）：{ $detail }
ev-jwt-command-integrator = 用 { $name } 密钥签名的令牌（指纹 { $fp }）：{ $detail }
ev-jwt-command-both = 用共同密钥签名的令牌（指纹 { $fp }）：{ $detail }
ev-jwt-command-none = 未签名的令牌（指纹 { $fp }）：{ $detail }
ev-jwt-verdict = 结论：{ $verdict }

finding-clock_skew-title = 时钟不一致：令牌被判为已过期
finding-clock_skew-title-by = 时钟相差 { $secs } 秒：令牌被判为已过期
finding-clock_skew-why = JWT 带有签发时间和过期时间；文档服务器与集成方的时钟相差数分钟时，有效的令牌会被当作已过期而拒绝（错误 7）。
finding-clock_skew-next-ntp = 在两台机器上检查 timedatectl / chronyc tracking，并启用 NTP。
ev-clock-date-off = 服务器的 Date 头与本机时钟相差 { $secs } 秒
ev-clock-date-ahead = 文档服务器的 Date 头比本机时钟快 { $secs } 秒
ev-clock-date-behind = 文档服务器的 Date 头比本机时钟慢 { $secs } 秒
ev-clock-token-expired = 刚签名的令牌收到错误 7（令牌已过期）

ev-storage-check = { $url }（{ $purpose }），从 { $from } 检查：{ $reason }

finding-callback_redirect-report-title = 存储/回调地址发生重定向（http → https 会使回调失败）
finding-callback_redirect-report-why = 文档服务器的下载和回调 POST 都不跟随重定向：从 http 到 https 的 301/302 意味着文档打不开，或修改永远不会被保存（'postData error ... statusCode:301'）。
finding-callback_redirect-report-next-final = 将最终 URL（https）配置为集成方的存储/回调地址（Nextcloud：StorageUrl / overwrite.cli.url；Seafile：SERVICE_URL）。
finding-callback_redirect-report-next-internal = 或让内部 http 地址直接应答，不做重定向。

finding-tls_problem-report-title = 存储的证书不受信任
finding-tls_problem-report-why = 文档服务器下载文档和发送回调时会校验存储的证书；自签名或不受信任的证书会导致失败（'DEPTH_ZERO_SELF_SIGNED_CERT'、'self signed certificate'）。
finding-tls_problem-report-next-ca = 在存储上使用受信任 CA 签发的证书，或将其 CA 加入文档服务器的信任库。
finding-tls_problem-report-next-stopgap = 仅作临时方案：在 local.json 中设置 services.CoAuthoring.requestDefaults.rejectUnauthorized = false（以及集成方的 'verify_peer_off'）。

finding-private_ip_blocked-report-title = 存储地址解析为文档服务器会拦截的私有地址
finding-private_ip_blocked-report-why = 除非 allowPrivateIPAddress 为 true，文档服务器的请求过滤器会拒绝私有、回环和链路本地地址（docservice/out.log 中的 'is not allowed. Because, It is private IP address'）。
finding-private_ip_blocked-report-next-allow = 在 local.json 中设置 services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress = true 并重启 ds-docservice（同时在本工具的配置中设置 [integration] allow_private_ip = true）。
finding-private_ip_blocked-report-next-public = 或为集成方配置一个使用公网名称的存储地址。

finding-storage_unreachable-report-title = 文档服务器无法访问集成方的存储
finding-storage_unreachable-report-why = 文档从集成方的 URL 下载，修改也回传到这些 URL；它们拒绝连接、超时或无法解析时，文档打不开（'error downloadFile ... ECONNREFUSED/ESOCKETTIMEDOUT'）或无法保存。
finding-storage_unreachable-report-next-container = 在文档服务器的容器内，127.0.0.1/localhost 指容器自身：为集成方配置一个容器能访问的存储地址（宿主机的地址，或共享 Docker 网络中集成方的服务名）。
finding-storage_unreachable-report-next-curl = 在文档服务器所在主机上对该 URL 执行 curl -sv（Docker 则在容器内：docker exec … curl -sv URL）。
finding-storage_unreachable-report-next-check = 检查集成方的 Web 服务器、其防火墙，以及在文档服务器看来该名称的 DNS 解析。

finding-storage_denied-report-title = 集成方的存储拒绝下载（HTTP 4xx）
finding-storage_denied-report-why = 文档服务器从集成方的存储地址下载每个文档；那里返回 401/403/404 会使下载失败（'error downloadFile ... statusCode:403'）。本机请求时没有集成方签名的链接，因此该应答只说明该 URL 受保护或有误，尚不能说明文档服务器自己的请求失败。
finding-storage_denied-report-next-status = 401/403：集成方会校验文档服务器的 JWT——使 services.CoAuthoring.secret.outbox.string 与集成方的密钥一致。404：检查存储地址（Nextcloud：StorageUrl / overwrite.cli.url）。带有 x-powered-by: Express 的应答来自文档服务器：存储名称解析到了它。

finding-forwarded_headers_missing-title = 文档服务器前面的反向代理未传递 { $headers }
finding-forwarded_headers_missing-why = 文档服务器根据 Host、X-Forwarded-Proto 和 X-Forwarded-Host 生成对外链接，编辑器还需要 websocket（Upgrade/Connection）：缺少它们时，链接会指向 http:// 或内部名称，编辑器一直停在加载中。
finding-forwarded_headers_missing-next-add = 在列出的每个 location 中添加：proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade（或 "upgrade"）; proxy_set_header Host $host; proxy_set_header X-Forwarded-Host $host; proxy_set_header X-Forwarded-Proto $scheme;
finding-forwarded_headers_missing-next-inherit = 注意：location 中的任何一条 proxy_set_header 都会替换全部继承的设置。然后 nginx -t 并重新加载。

finding-mixed_content-title = https 集成方使用 http 的文档服务器地址（混合内容）
finding-mixed_content-why = 浏览器会在 https 页面上拦截 http 脚本和 websocket：编辑器的 api.js 永远无法加载（浏览器控制台中的 'Mixed Content'）。
finding-mixed_content-next-https = 通过 https 提供文档服务器（放在同一个反向代理后面），并把集成方的文档服务器地址设为 https 地址。
ev-mixed-content-urls = 位于 { $integrator } 的集成方让浏览器访问 { $docserver }（来自 { $source }）

finding-secure_link_mismatch-title = nginx 的 secure-link 密钥（{ $at }）与文档服务器的 storage.fs.secretString 不一致
finding-secure_link_mismatch-why = 文档服务器用 storage.fs.secretString 为 /cache/files 下已转换文档的链接签名；nginx 用 $secure_link_secret 校验这些链接。两者不一致时，nginx 对每个这样的链接返回 403：文档打不开（'Download failed'），而每个探测都正常。
finding-secure_link_mismatch-next-equal = 使两者一致：documentserver-update-securelink.sh（随文档服务器提供）会在两侧设置新密钥并重启服务；或手动把 storage.fs.secretString 复制到 nginx 站点的 `set $secure_link_secret` 中。
finding-secure_link_mismatch-next-restart = 然后 nginx -t，重新加载 nginx，并重启 ds-docservice 和 ds-converter。
ev-secure-link-nginx = { $variable }（位于 { $at }）的指纹为 { $fp }
ev-secure-link-docserver = 文档服务器 storage.fs.secretString 的指纹为 { $fp }（来自 { $sources }）

# The walkthrough's "integration and auth" step.
walk-integration-jwt-compare = JWT { $what }：文档服务器与 { $name } 对比
walk-integration-command-secrets = 用各个密钥调用命令服务（{ $url }）
walk-integration-command-no-url = 无 URL
walk-integration-clock-skew = 与文档服务器的时钟偏差
walk-integration-clock-skew-date = Date 头与本机时钟相差 { $secs } 秒
walk-integration-storage = 存储 { $url }
walk-integration-storage-from = { $reason }（来自 { $from }）
walk-integration-cors-preflight = CORS 预检 { $url }，来源 { $origin }
walk-integration-forwarded-headers = 转发请求头
walk-integration-forwarded-headers-none = 没有 nginx location 代理到文档服务器的端口
walk-integration-forwarded-headers-location = 转发请求头 { $server } { $location }
walk-integration-forwarded-headers-all = 全部已传递（{ $at }）
walk-integration-forwarded-headers-missing = 缺少 { $missing }（{ $at }）
walk-integration-mixed-content = 混合内容
