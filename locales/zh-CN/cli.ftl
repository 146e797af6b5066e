# cli 的中文文本。术语见 locales/GLOSSARY.md。
# 命令行的错误信息、`check --format text`、`report --format md`、`host`、`review`、集成报告、
# `watch` 的告警、`fleet --format text`，以及每个命令和选项的帮助（id 为
# help-<命令路径>-about / -arg-<id>；见 src/cli.rs 的 command_in）。

## 命令行

cli-usage = triage502：用法错误：{ $why }
cli-unknown-lang = --lang { $lang }：未知语言（en、zh-CN）
cli-misplaced-console = { $opt } 不适用于 `{ $cmd }`（它只适用于控制台）
cli-misplaced-action = { $opt } 不适用于 `{ $cmd }`（它只适用于控制台和 `action`）
cli-misplaced-select = { $opt } 不适用于 `{ $cmd }`（它适用于控制台、check、report、config、action、host 和 watch；fleet 只接受 --config）
cli-invalid-config = triage502：配置无效
cli-invalid-config-line = 配置无效：{ $first }
cli-unusable-config = 配置不可用
cli-cannot-write = 无法写入 '{ $path }'：{ $error }
cli-written = 已写入：{ $path }
cli-cannot-start = 无法启动：{ $error }
cli-man-failed = triage502：无法生成 man 手册页：{ $error }
cli-config-no-home = triage502：没有 $XDG_CONFIG_HOME 或 $HOME 可存放配置；请指定文件：triage502 config init FILE
cli-config-written = 已写入：{ $path }（用此命令检查：triage502 --config { $path } config check）
cli-config-secret-unreadable = triage502：无法读取容器的密钥，也就无法遮蔽它：不予显示
cli-config-effective = 生效的配置，来自 { $source }（密钥已遮蔽）
cli-config-valid = 正常  { $source }：有效（{ $hops } 个环节，{ $services } 个服务）

## check --format text

check-text-title = triage502 check，主机 { $host } — { $profile }（{ $source }）— { $symbol } { $state }
check-text-col-state = 状态
check-text-col-hop = 环节
check-text-col-kind = 类型
check-text-col-time = 耗时
check-text-col-reason = 原因
check-text-no-hops = （未配置环节：请在配置中添加 [[hop]] 段）
check-text-walkthrough = 排查路径
check-text-no-finding = 尚无发现。
check-text-findings = 发现（最能解释问题的在前）
check-text-finding = { $n }. { $symbol } { $state } { $id } [置信度{ $confidence }] — { $title }
check-text-unchecked = ? 未知 无法检查 { $what }：{ $why }
report-all-clear = 一切正常：每个环节都有应答，未发现根因。

## report --format md

report-md-title = 事故报告 — { $host }
report-md-written = 生成时间：{ $at }
report-md-profile = 配置档：{ $profile }（{ $source }）
report-md-overall = 总体：{ $symbol } { $state }
report-md-first-red = 首个故障环节出现：{ $at }
report-md-recovered = 恢复时间：{ $at }
report-md-clients = 客户端：{ $line }
report-md-phases = 事故阶段
report-md-phases-header = | 阶段 | 时间 | 距首个故障环节 | 运行手册目标 |
report-md-phase-first-red = 首个故障环节
report-md-phase-first-finding = 首个发现
report-md-phase-first-recovery = 首个成功的恢复操作
report-md-phase-all-green = 全部恢复正常
report-md-phase-met = 达成
report-md-phase-missed = 未达成
report-md-phase-not-reached = 未达到
report-md-target-min = ≤ { $n } 分钟
report-md-chain = 请求链路
report-md-chain-header = | 状态 | 环节 | 类型 | 目标 | 耗时 | 原因 |
report-md-findings = 发现
report-md-severity = 严重程度：{ $symbol } { $state }，置信度{ $confidence }
report-md-action = 恢复操作：`{ $action }`
report-md-why = 原因：{ $why }
report-md-evidence = 证据：
report-md-next = 下一步：
report-md-unchecked = 未检查
report-md-actions = 已执行的操作
report-md-actions-none = 无记录。
report-md-timeline = 时间线
report-md-timeline-none = 没有记录到状态变化。
report-md-host = 主机快照
report-md-integration = 集成与认证

## 主机信息（`host`，以及报告中的主机快照）

host-text-title = 主机信息，采集于 { $at }
host-text-unknown = { $title }：未知 — { $reason }
host-text-targets-title = 代理目标
host-text-targets = 代理目标（{ $count }）
host-text-target-listening = 在监听
host-text-target-other-address = 其他地址
host-text-target-no-listener = 无进程监听
host-text-target-socket-present = 套接字存在
host-text-target-socket-missing = 套接字缺失
host-text-target-remote = 远程
host-text-target-unresolved = 未解析
host-text-via-upstream = （上游 { $name }）
host-text-endpoint-owner-unknown = { $endpoint } 属主未知
host-text-services-title = 服务
host-text-services = 服务（{ $count }）
host-text-restarts = 重启 { $count } 次
host-text-sockets-title = 监听套接字
host-text-sockets = 监听套接字（{ $count }；属主不可见：{ $hidden }）
host-text-owner-more = { $name }[{ $pid }] 等 { $more } 个
host-text-owner-unknown = 属主未知：{ $reason }
host-text-processes-title = 进程
host-text-processes = 链路上的进程（共 { $total } 个进程，其中 { $chain } 个）
host-text-proc-stopped = 已停止（T）
host-text-proc-zombie = 僵尸（Z）
host-text-proc-disk-wait = 磁盘等待（D）
host-text-top-cpu = CPU 占用最高
host-text-top-memory = 内存占用最高
host-text-memory-title = 内存
host-text-memory = 内存：可用 { $available }，共 { $total }（{ $pct }%），交换空间空闲 { $swap_free }，共 { $swap_total }
host-text-oom-title = OOM 终止
host-text-oom = OOM 终止（{ $source }，{ $window }）：{ $count }
host-text-none = 无
host-text-oom-kill = { $time } 终止了 { $process }[{ $pid }]
host-text-oom-kill-cgroup = { $time } 终止了 { $process }[{ $pid }]（cgroup { $cgroup }）
host-text-firewall-title = 防火墙
host-text-firewall = 防火墙：{ $states }
host-text-fw-active = 已启用
host-text-fw-inactive = 未启用
host-text-fw-absent = 未安装
host-text-fw-unknown = 未知：{ $reason }
host-text-fw-unknown-hint = 未知：{ $reason }（{ $hint }）
host-text-all-ports = 所有端口
host-text-port = 端口 { $ports }
host-text-hook = （hook { $hook }）
host-text-policy-drop = 默认策略 drop：{ $backend } { $family } { $table } { $chain }
host-text-selinux = SELinux：{ $mode }{ $boolean }（{ $detail }）
host-text-nginx-t-ok = nginx -t 通过
host-text-nginx-t-warnings = nginx -t 通过，有 { $count } 条警告
host-text-nginx-t-failed = nginx -t 失败：{ $message }
host-text-nginx-t-failed-hint = nginx -t 失败：{ $message }（{ $hint }）
host-text-nginx-t-not-run = nginx -t 未运行：{ $reason }
host-text-nginx = nginx：{ $servers } 个 server，{ $upstreams } 个 upstream，来自 { $origin } { $path }
host-text-nginx-location = { $server } { $path } — 缓冲 { $buffer }（{ $from }），缓冲区 { $buffers }，超时：连接 { $connect } 读取 { $read } 发送 { $send }

## review（文本，以及报告中的 Markdown 小节）

review-text-pass = 通过
review-text-warn = 警告
review-text-unknown = 未知
review-text-title = triage502 review，主机 { $host } — { $symbol } { $state }
review-text-change = 更改：{ $change }
review-text-runbook = 运行手册 { $section }
review-text-summary = { $pass } 项通过，{ $warn } 项警告，{ $unknown } 项未知（共 { $kinds } 类检查）。未做任何更改：每项更改都由你来决定。
review-md-title = 就绪检查
review-md-intro = 运行手册要求在下次事故前准备好的事项（`triage502 review`）。
review-md-header = | 检查 | 项目 | 事实 | 更改 | 运行手册 |

## ONLYOFFICE 集成报告

integration-text-not-checked = 未检查：
integration-text-title = ONLYOFFICE 集成（{ $name }）
integration-text-nothing-readable = 无可读取的内容
integration-text-ds-sources = 文档服务器设置来源：{ $sources }
integration-text-ig-sources = { $name } 设置来源：{ $sources }
integration-text-jwt = JWT（文档服务器 / { $name }）：
integration-text-command = 命令服务：
integration-text-command-url = 命令服务 { $url }：
integration-text-signed = 签名方 { $by }，指纹 { $fp }  { $detail }
integration-text-skew = 时钟偏差 { $secs } 秒（文档服务器的 Date 头对比本机）
integration-text-storage-title = 存储与回调：
integration-text-no-storage = 没有已知的存储地址
integration-text-storage = { $url } — { $reason }（来自 { $from }）
integration-text-resolves = 解析为 { $addresses }
integration-text-preflight = CORS 预检 { $url }（Origin { $origin }）：{ $reason }
integration-text-headers = 转发的请求头（端口 { $ports }）：
integration-text-no-nginx = nginx 配置不可用
integration-text-no-location = 没有 location 代理到文档服务器
integration-text-headers-ok = { $server } { $location }（{ $at }）：全部已传递
integration-text-headers-missing = { $server } { $location }（{ $at }）：缺少 { $missing }
integration-text-mixed = 混合内容：{ $integrator } 使用 { $docserver }

## `watch` 的告警（企业微信、钉钉、飞书、Slack：使用配置的语言）

alert-text-firing = 告警 { $state }
alert-text-escalated = 升级为 { $state }
alert-text-resolved = 已恢复
alert-text-head = { $symbol } { $event }：{ $id }，主机 { $host }（{ $profile }）
alert-text-recovered = 持续 { $duration } 后恢复
alert-text-since = 开始于 { $at }
alert-text-next = 下一步：{ $step }
alert-answer-not-json = 应答不是 JSON
alert-answer-refused = 被拒绝：{ $key } { $code } { $message }
alert-answer-no-code = 应答中没有 { $key }

## fleet --format text

fleet-text-title = triage502 fleet — { $count } 台主机 — { $symbol } { $state }
fleet-text-col-state = 状态
fleet-text-col-host = 主机
fleet-text-col-version = 版本
fleet-text-col-age = 距今
fleet-text-col-why = 首要发现 / 原因

## 帮助（clap 自身的文本，然后是每个命令和选项的文档注释）

help-heading-usage = 用法:
help-heading-options = 选项
help-heading-arguments = 参数
help-heading-commands = 命令
help-default = [默认：{ $value }]
help-possible-values = [可选值：{ $values }]
help-possible-values-long = 可选值：
help-env = [环境变量：{ $name }{ $value }]
help-builtin-help = 显示帮助
help-builtin-help-short = 显示帮助（--help 显示更多）
help-builtin-help-long = 显示帮助（-h 只显示摘要）
help-builtin-version = 显示版本
help-builtin-help-command = 显示本帮助，或指定子命令的帮助
help-builtin-help-command-arg = 要显示其帮助的子命令
help-about = 502/504 Bad Gateway 故障的终端控制台
help-long-about =
    502/504 Bad Gateway 故障的终端控制台（nginx 后面的 ONLYOFFICE 文档服务器或任意应用）。

    不带子命令时打开控制台：实时逐个环节显示请求链路、按解释力排序的发现及其证据、日志和恢复操作。
help-arg-config = 配置文件（否则依次为 $TRIAGE502_CONFIG、$XDG_CONFIG_HOME/triage502/config.toml 或 ~/.config/triage502/config.toml、/etc/triage502/config.toml，最后是内置的 onlyoffice 配置档；从不读取当前目录）。它必须属于 root 或你本人，且其他人不可写
help-arg-profile = 内置配置档：onlyoffice 或 generic（给出 --proxy-url 和 --app-url 即为 generic）
help-arg-proxy_url = 经反向代理访问的公开 URL；与 --app-url 一起构成 generic 配置档
help-arg-app_url = 反向代理后面的应用的 URL（请求的是它的路径）；意味着 generic 配置档
help-arg-app_expect_status = 健康的应用经反向代理和直连时应答的状态码（generic 配置档；默认 200）。--app-url / --proxy-url 中的路径决定请求什么
help-arg-read_only = 拒绝一切恢复操作
help-arg-theme = 主题：dark、light、high-contrast、monochrome
help-arg-lang = 语言：en 或 zh-CN（否则用配置中的 `lang`，再否则用 LC_ALL / LC_MESSAGES / LANG）。JSON 和 Nagios 输出始终是英文
help-check-about = 探测链路一次后退出：0 OK，1 WARNING，2 CRITICAL，3 UNKNOWN
help-arg-format = 输出格式
help-report-about = 写出一轮探测的故障报告
help-report-arg-out = 写入 FILE 而不是标准输出
help-config-about = 配置：写出带注释的初始配置，显示生效的配置，校验配置
help-config-init-about = 写出带注释的配置（写到 FILE，默认 ~/.config/triage502/config.toml，root 时为 /etc/triage502/config.toml；从不覆盖）
help-config-init-arg-path = 写到哪里
help-config-init-arg-discover = 写出在本机发现的链路，每个环节以注释注明来源
help-config-show-about = 显示生效的配置，密钥已遮蔽
help-config-show-arg-discover = 显示在本机发现了什么，以及哪些无法读取、原因是什么
help-config-check-about = 校验配置；错误会指明文件、行号并给出提示
help-logs-about = 分类 nginx 和文档服务器的日志：扫描文件，或跟踪文件（跨越日志轮转）
help-logs-scan-about = 流式分类整个文件（纯文本或 .gz）：每条一行或一个 JSON 对象，或按类别计数
help-logs-scan-arg-files = nginx 错误日志或文档服务器的 out.log 文件；纯文本或 gzip；`-` 读标准输入
help-logs-scan-arg-format-value-text = 每条一行，供人阅读
help-logs-scan-arg-format-value-ndjson = 每条一个 JSON 对象
help-logs-scan-arg-format-value-summary = 对全部输入输出一个 JSON 对象 `{"{"} "class": count, ... {"}"}`（含 `other`）
help-logs-scan-arg-all = 也输出 `other` 类的条目（text/ndjson）
help-logs-scan-arg-since = 只看 TIME（本地时间）及之后的条目：时刻 `07:25[:00]`（今天；若还没到则为昨天）、`2026-11-28 12:00[:00]`、`2026-11-28T12:00:00`、`2026/11/28 12:00:00`、`2026-11-28`，或相对时间 `90s`、`15m`、`2h`、`1d`
help-logs-follow-about = 从文件末尾（最后几条已分类的条目之后）开始跟踪，跨越日志轮转
help-logs-follow-arg-files = 要跟踪的文件（可以尚不存在）
help-logs-follow-arg-format-value-text = 每条一行，供人阅读
help-logs-follow-arg-format-value-ndjson = 每条一个 JSON 对象（含 `file`）
help-logs-follow-arg-lines = 先显示每个文件最后 N 条已分类的条目（从后往前读取查找）
help-logs-follow-arg-all = 也输出 `other` 类的条目
help-action-about = 恢复操作：列出，或执行一个（预览、确认、审计、验证）
help-action-list-about = 列出本配置和本机允许的恢复操作
help-action-list-arg-format-value-text = 每个操作一行：id、root、标题、命令
help-action-list-arg-format-value-json = 操作的 JSON 数组
help-action-run-about = 执行一个操作：预览、确认、执行、验证、审计
help-action-run-arg-id = 操作 id，例如 restart:ds-docservice、reload:nginx、reload:firewall
help-action-run-arg-yes = 不要求确认（标准输入不是终端时必须给出）
help-host-about = 主机信息：监听、进程、服务、防火墙、SELinux、nginx 的代理目标
help-arg-format-value-text = 纯文本
help-arg-format-value-json = JSON（快照序列化的原样）
help-host-arg-nginx_config = nginx 配置文件（nginx -c）
help-host-arg-nginx_prefix = nginx 前缀（nginx -p）
help-host-arg-supervisor_config = 由 supervisor 管理的服务所用的 supervisorctl 配置（supervisorctl -c）
help-host-arg-ports = 额外的链路端口（可重复）
help-host-arg-timeout = 每条命令的超时（秒）
help-watch-about = 无界面服务：定期探测，向 [[alert]] 接收方发送告警，在 --listen 上提供 Prometheus 指标和 /healthz；SIGHUP 重新加载配置，SIGTERM 停止
help-watch-arg-listen = /metrics 和 /healthz 的监听地址
help-review-about = 就绪检查：运行手册要求在下次事故前准备好的事项（重启、开机启动、内存、故障转移、日志轮转、证书、JWT、告警、演练）。全部通过时退出 0，有警告时退出 1，只有未知时退出 3。不做任何更改
help-fleet-about = 通过系统的 OpenSSH 检查多台主机：每台运行 `triage502 check`；列出它们的状态（控制台的主机群视图，或用 --format 无界面输出）
help-fleet-arg-config = 读取其 [fleet] 表的配置文件（否则按控制台的方式查找）。它必须属于 root 或你本人，且其他人不可写
help-fleet-arg-hosts = 主机列表文件：每行一个 ssh 目标，`#` 为注释（代替配置中的 [[fleet.host]] 表）
help-fleet-arg-format = 以此格式输出一次主机群状态后退出（0 OK，1 WARNING，2 CRITICAL，3 UNKNOWN；无法连接的主机为 UNKNOWN）；不给出时打开控制台的主机群视图
help-fleet-arg-format-value-text = 表格
help-fleet-arg-format-value-json = 一个 JSON 对象
help-fleet-arg-format-value-nagios = 一行 Nagios 状态
help-lab-about = 回环实验环境：真实的 nginx，以及由 supervisord 运行的替身文档服务器
help-lab-arg-dir = 实验环境目录（默认：${"{"}TMPDIR:-/tmp{"}"}/triage502-lab-<uid>）；可放在 lab 子命令之前或之后（`lab --dir X up`、`lab up --dir X`）
help-lab-up-about = 启动实验环境（幂等：已在运行的实验环境保持原样）
help-lab-up-arg-exe = supervisord 作为替身运行的程序（`EXE lab standin --dir DIR --port N`）；默认：本程序
help-lab-down-about = 停止实验环境启动的一切；保留配置和日志
help-lab-status-about = 每个组件（supervisord、nginx、docservice）一行，以及当前注入的故障；已启动且健康时退出 0
help-lab-break-about = 注入故障（docservice-down、docservice-hang、wrong-upstream-port、big-headers、jwt-mismatch、health-false、nginx-down、firewall-drop、firewall-reject）
help-lab-break-arg-fault = 故障名称
help-lab-fix-about = 修复所有已注入的故障
help-lab-standin-about = 运行替身文档服务器（由 supervisord 启动）
help-lab-standin-arg-port = 127.0.0.1 上的端口
help-completions-about = 输出 shell 补全脚本
help-completions-arg-shell = bash、zsh、fish、elvish、powershell
help-man-about = 输出 man 手册页（roff）
