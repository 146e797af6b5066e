# 就绪检查的各项（src/review/**）：每项的标题（README 的表）、运行手册章节、查到的事实和建议的更改。
# 配置片段和命令保持原样。

## 标题：每项检查什么。
review-service_restart-title = 链路上的每个服务都能自动重启（systemd Restart= 且 RestartSec ≥ 1 s，supervisor autorestart，docker 重启策略）
review-service_boot-title = 链路上的每个服务都开机启动（systemctl is-enabled，supervisor autostart，docker always/unless-stopped）
review-memory_limit-title = 设有内存上限的服务（systemd MemoryMax，docker --memory）仍有余量（已用 < 90 %）
review-memory_box-title = 本机内存有余量：可用 ≥ 15 %，内存压力（PSI some avg300）低于 10 %，swap 未耗尽
review-upstream_failover-title = 文档服务器的 nginx upstream 有第二个 server 或 backup，那里有进程监听，且 proxy_next_upstream 在 error 或 timeout 时重试
review-proxy_timeouts-title = 文档服务器各 location 的 proxy_read_timeout 至少为 60 s（大文档的转换）
review-proxy_buffers-title = nginx 错误日志中没有 `upstream sent too big header`：文档服务器的响应头不超出 proxy_buffer_size
review-log_rotation-title = 链路的每个日志文件都由设有频率或大小的 logrotate 条目轮转
review-log_disk-title = 存放文档服务器目录和日志的文件系统剩余空间 ≥ 10 %
review-cert_validity-title = 链路上的每张证书有效期都超过 30 天
review-jwt_enabled-title = 文档服务器已启用 JWT，且集成方已设置密钥
review-alert_path-title = 有程序在监控本机：`triage502 watch` 或监控代理在运行
review-last_drill-title = 最近 90 天内在本机演练过恢复（审计日志）

## 运行手册章节。
review-service_restart-runbook = 3.2 Restart=always, RestartSec=5
review-service_boot-runbook = 3.2 systemctl enable --now
review-memory_limit-runbook = 3.3 OOM
review-memory_box-runbook = 3.3 OOM
review-upstream_failover-runbook = 5 冗余、负载均衡
review-proxy_timeouts-runbook = 2.3 nginx 转发逻辑
review-proxy_buffers-runbook = 2.3 nginx 转发逻辑
review-log_rotation-runbook = 2.5 日志
review-log_disk-runbook = 2.5 日志
review-cert_validity-runbook = 2.2 curl -v（证书）
review-jwt_enabled-runbook = 4.1 JWT
review-alert_path-runbook = 5 告警（Prometheus、企业微信/Slack）
review-last_drill-runbook = 5 演练

## 服务。
review-fact-no-manager = 没有服务管理器
review-fact-docker-policy = { $source }：重启策略 { $policy }
review-service_restart-change-systemd = systemctl edit { $unit }  →  [Service] Restart=always  RestartSec=5（drop-in 文件 /etc/systemd/system/{ $unit }.service.d/override.conf），然后 systemctl daemon-reload
review-service_restart-change-supervisor = 在 { $source } 中设置 autorestart=true，然后 supervisorctl update
review-service_boot-fact-supervisor = { $source }：autostart={ $value }（supervisord 本身开机启动时才随之启动）
review-service_boot-change-supervisor = 在 { $source } 中设置 autostart=true，然后 supervisorctl update

## 内存。
review-memory_limit-fact-no-use = { $source }：上限 { $limit }，用量未知
review-memory_limit-fact = { $source }：已用 { $current }，MemoryMax 为 { $max }（{ $percent } %）
review-memory_limit-change = 提高上限（systemctl edit { $unit } → [Service] MemoryMax=…），或找出不断增长的进程
review-memory_box-no-facts = 没有内存信息
review-memory_box-fact = 可用 { $avail } %（共 { $total }）；{ $psi }；{ $swap }
review-memory_box-psi = PSI some avg300 { $psi } %
review-memory_box-no-psi = 没有 PSI（内核没有 /proc/pressure）
review-memory_box-swap = swap 已用 { $used } %
review-memory_box-no-swap = 没有 swap
review-memory_box-change = 找出占用内存的进程（端口与进程窗格），增加内存或 swap，或限制占用最多的服务（MemoryMax）

## nginx。
review-nginx-unread = 无法读取 nginx 配置（见 `triage502 host`）
review-nginx-no-location-one = 没有 nginx location 代理到文档服务器的端口 { $ports }
review-nginx-no-location-many = 没有 nginx location 代理到文档服务器的端口 { $ports }
review-nginx-set-at = 设于 { $at }
review-nginx-default = nginx 默认值
review-upstream_failover-group = upstream { $name }（位于 { $at }）：{ $primaries } 个 server，{ $backups } 个 backup，其中 { $live } 个地址在监听（或为远程）
review-upstream_failover-single = { $directive } { $target }：只有一个地址，没有 upstream 组
review-upstream_failover-fact = { $what }；{ $retry }
review-upstream_failover-no-retry = { $what }；未找到该 location 的 proxy_next_upstream
review-upstream_failover-change = 配置含第二台文档服务器的 upstream 组，或 `server HOST:PORT backup;`，并在该 location 中加入 `proxy_next_upstream error timeout http_502;`；然后 nginx -t 并重新加载
review-proxy_timeouts-change = proxy_read_timeout 120s;（大文档的转换会超过一分钟），然后 nginx -t 并重新加载
review-proxy_buffers-change = 在该 location 中加入 proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k; 然后 nginx -t 并重新加载
review-proxy_buffers-log-unread = 未读取 nginx 错误日志；{ $size }
review-proxy_buffers-too-big = nginx 错误日志中有 { $count } 条 "upstream sent too big header"；{ $size }
review-proxy_buffers-too-big-last = nginx 错误日志中有 { $count } 条 "upstream sent too big header"，最近一条在 { $time }；{ $size }
review-proxy_buffers-log-failed = 无法读取 nginx 错误日志（{ $why }）；{ $size }
review-proxy_buffers-log-none = 无法读取 nginx 错误日志（未配置）；{ $size }
review-proxy_buffers-pass = 已读取的 { $count } 条 nginx 错误日志中没有 "upstream sent too big header"；{ $size }

## 日志与磁盘。
review-log_rotation-no-files = 配置中没有列出日志文件
review-log_rotation-unread = 未读取 logrotate 的条目
review-log_rotation-install = 安装 logrotate（apt-get install logrotate / dnf install logrotate），并为链路的日志添加条目
review-log_rotation-rotated = 已轮转：{ $files }
review-log_rotation-bare = 没有设频率或大小的 logrotate 条目：{ $files }
review-log_rotation-change = 在 /etc/logrotate.d/ 中添加文件，例如：{ $files } {"{"} daily  rotate 14  maxsize 500M  missingok  compress  delaycompress  copytruncate {"}"}
review-log_disk-no-facts = 没有磁盘信息
review-log_disk-no-folder = 没有可测量的文档服务器目录
review-log_disk-fact = { $filesystem }：剩余 { $free } %
review-log_disk-change = 清理 { $mount } 上的空间（旧日志、文档服务器的缓存），或扩容该文件系统

## 证书。
review-cert_validity-fact = { $hop }：{ $subject } 的证书有效期至 { $until }（还剩 { $days } 天）
review-cert_validity-change = 续期证书（certbot renew，或向你的 CA 申请），安装后重新加载 nginx
review-cert_validity-none = 链路中没有环节出示证书（没有 TLS 环节，或均无应答）

## JWT。
review-jwt_enabled-no-report = 没有集成报告（链路中没有文档服务器）
review-jwt_enabled-fact = 文档服务器：JWT { $state }（{ $sources }）；{ $integrator }：密钥{ $secret }
review-jwt_enabled-on = 已启用
review-jwt_enabled-off = 已禁用
review-jwt_enabled-unknown = 未知
review-jwt_enabled-no-settings = 未读到设置
review-jwt_enabled-secret-set = 已设置
review-jwt_enabled-secret-missing = 未找到
review-jwt_enabled-change = 在 local.json 中将 services.CoAuthoring.token.enable.request.inbox/outbox 和 browser 设为 true，使用同一个密钥（Docker：JWT_ENABLED=true，JWT_SECRET=…），在集成方设置相同的密钥，然后重启文档服务器

## 告警与演练。
review-alert_path-none = 本机既没有运行 triage502 watch，也没有运行监控代理
review-alert_path-mute = triage502 watch 在运行，但本配置没有 [[alert]] 接收方
review-alert_path-running = 正在运行：{ $monitors }；本配置的 [[alert]] 接收方数：{ $receivers }
review-alert_path-change = 将 `triage502 watch` 作为服务运行并配置 [[alert]] 接收方（README：Monitoring），或运行检查该链路的监控代理
review-last_drill-fact = 本机最近一次恢复操作：{ $action }，于 { $time }（{ $days } 天前）
review-last_drill-none = 审计日志中没有在本机运行过的恢复操作
review-last_drill-change = 演练：在测试机上执行 `triage502 lab up`、`lab break docservice-down`，然后在控制台中恢复；在本机选一个空闲时段运行一次重启操作
