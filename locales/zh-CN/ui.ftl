# 控制台：状态词、窗格标题、按键栏、帮助、对话框。术语见 locales/GLOSSARY.md。

status-ok = 正常
status-warn = 警告
status-unknown = 未知
status-fail = 故障

## 启动与退出控制台（tui/mod.rs、tui/fleet.rs）

console-what-console = 控制台
console-what-fleet = 主机群视图
console-needs-terminal = { $what }需要终端（stdin/stdout 不是 TTY）。
console-use-instead = 脚本和监控请使用：{ $command }
console-no-signals = 无法监听 SIGTERM/SIGHUP：{ $error }；请按 q 退出
console-cannot-take-terminal = 无法接管终端：{ $error }
console-cannot-draw = 无法绘制界面：{ $error }
console-stopping-action = 正在停止运行中的操作并写入其审计记录…
console-too-small = 终端太小（需要 { $need }，当前 { $have }）— 按 q 退出

## 标题行

topbar-line = triage502 · { $host } · { $profile } · 每 { $seconds } 秒
topbar-read-only = 只读
topbar-log-paused = 日志已暂停
topbar-recovered-in = 用时 { $duration } 恢复
topbar-red-for = 故障已持续 { $duration }

## 窗格：标签页标题，以及各窗格的文字

pane-chain = 链路
pane-findings = 发现
pane-logs = 错误日志
pane-services = 服务
pane-ports = 端口
pane-events = 事件
pane-top-finding-of = 1/{ $total }
pane-collecting = 正在采集主机信息…
pane-not-collected = 尚未采集
pane-chain-title-wide = 链路：用户 → 代理 → 应用
pane-chain-probing = 探测中…
pane-findings-title = 发现（{ $count }）— w：排查路径
pane-findings-walkthrough-title = 排查路径（w：发现）
pane-findings-waiting = 正在等待第一轮探测…
pane-findings-all-clear = 一切正常：每个环节都有应答，未发现根因。
pane-findings-confidence = 置信度{ $level }
pane-findings-head-title = （{ $confidence }）{ $title }
pane-findings-not-checked = { $count } 项未检查：{ $list }
pane-logs-title = 错误日志（显示 { $count } 条）
pane-logs-title-paused = 错误日志（显示 { $count } 条，已暂停）
pane-logs-title-filter = 错误日志（显示 { $count } 条，过滤 { $filter }）
pane-logs-title-filter-paused = 错误日志（显示 { $count } 条，过滤 { $filter }，已暂停）
pane-logs-recent = 最近 5 分钟：{ $counts }
pane-logs-recent-none = 最近 5 分钟：无上游故障
pane-logs-filter-input = 过滤：{ $input }▏  （Enter 应用 · Esc 取消 · class:ID）
pane-logs-none-configured = 未配置错误日志（[logs] nginx_error）
pane-logs-none-logged = 未记录上游故障（等待新的日志行）
pane-logs-no-match = 没有条目匹配 { $filter }
pane-logs-no-match-not-a-class = 没有条目匹配 { $filter }（{ $id } 不是类别）
pane-logs-no-match-did-you-mean = 没有条目匹配 { $filter }（{ $id } 不是类别；是否想用 { $like }？）
pane-services-title-stale = 服务（{ $age } 前的数据）
pane-services-what = 服务
pane-services-col-state = 状态
pane-services-col-service = 服务
pane-services-col-sub = 子状态
pane-services-col-up = 运行
pane-services-col-backend = 后端
pane-ports-title = 端口与进程
pane-ports-memory = 可用内存 { $pct } %，共 { $total } MiB
pane-ports-memory-psi = 可用内存 { $pct } %，共 { $total } MiB，PSI some avg10 { $avg10 }
pane-ports-oom-kill = { $time } 终止了 { $process }（pid { $pid }）
pane-ports-oom-kills = OOM 终止
pane-ports-owners = 属主
pane-ports-owners-hidden = { $count } 个套接字的属主需 root 才可见（请用 sudo 运行）
pane-ports-sockets = 套接字
pane-ports-disk = 磁盘
pane-ports-disk-path = 磁盘 { $path }
pane-ports-disk-line = { $mount } 已用 { $used }%，剩余 { $free }（{ $holds }）
pane-ports-disk-line-inodes = { $mount } 已用 { $used }%，剩余 { $free }，inode { $inodes }%（{ $holds }）
pane-ports-tag-cache = DS 缓存
pane-ports-tag-logs = DS 日志
pane-events-none = 尚无状态变化

## 按键栏：命令的简称

keybar-quit = 退出
keybar-help = 帮助
keybar-pane = 窗格
keybar-down = 下移
keybar-up = 上移
keybar-top = 顶部
keybar-follow = 跟踪
keybar-filter = 过滤
keybar-details = 详情
keybar-back = 返回
keybar-pause = 暂停
keybar-walkthrough = 排查路径
keybar-probe = 探测
keybar-fix = 修复
keybar-restart = 重启
keybar-reload-nginx = 重新加载 nginx
keybar-reload-firewall = 重新加载防火墙
keybar-report = 报告
keybar-readiness = 就绪检查
keybar-read-only = 只读：操作已关闭

## 帮助浮层：每个命令一行

keyhelp-title = 按键（按任意键关闭）
keyhelp-title-scroll = 按键 — j/k 滚动
keyhelp-position = { $first }–{ $last }，共 { $total }
keyhelp-position-more = { $first }–{ $last }，共 { $total } · j 更多
keyhelp-quit = 退出（Ctrl-C 也总能退出）
keyhelp-help = 显示或隐藏本帮助
keyhelp-focus-next = 下一个窗格 / 标签页
keyhelp-focus-prev = 上一个窗格 / 标签页
keyhelp-down = 向下移动
keyhelp-up = 向上移动
keyhelp-top = 第一行
keyhelp-bottom = 最后一行（并跟踪）
keyhelp-filter = 过滤错误日志（文本，或 class:ID）
keyhelp-details = 所选行的详情
keyhelp-back = 关闭 / 清除过滤
keyhelp-pause = 暂停或恢复跟踪日志
keyhelp-walkthrough = 发现 ↔ 排查路径
keyhelp-probe-now = 立即探测链路
keyhelp-run-action = 执行所选发现的恢复操作
keyhelp-restart-service = 重启所选服务
keyhelp-reload-nginx = 重新加载 nginx（先执行 nginx -t）
keyhelp-reload-firewall = 重新加载防火墙
keyhelp-write-report = 写出事故报告（Markdown）
keyhelp-readiness = 为下一次事故做就绪检查
keyhelp-ctrl-c = 退出（或取消正在执行的操作）
keyhelp-ctrl-z = 挂起到 shell（fg 恢复）

## [keys] 配置段的错误（config/keys.rs）

keys-unknown-command = [keys] 未知命令 `{ $name }`
keys-unknown-command-did-you-mean = [keys] 未知命令 `{ $name }`（是否想用 `{ $like }`？）
keys-not-a-key = [keys] { $name } = "{ $key }" 不是按键（请用单个字符，或以下之一：{ $named }，可加 ctrl-/alt-）
keys-ctrl-c-reserved = [keys] { $name }：ctrl-c 保留用于退出
keys-bound-twice = [keys] 按键 "{ $key }" 同时绑定到 `{ $first }` 和 `{ $second }`
keys-error-defaults = { $errors } — 改用默认按键

## 详情浮层（Enter）

detail-scroll-hint = j/k 滚动，Esc 关闭
detail-hop = 环节
detail-hop-title = 环节 { $name }
detail-no-hop = 无环节
detail-hop-not-probed = 尚未探测
detail-hop-result = { $state }，耗时 { $latency }
detail-step = 步骤
detail-step-title = 步骤：{ $title }
detail-finding = 发现
detail-finding-title = 发现 { $id }
detail-no-finding = 无发现
detail-finding-press-x = （在“发现”窗格按 x 执行该操作）
detail-log = 日志
detail-no-entry = 无条目
detail-log-repeated = 同类条目 { $count } 条，{ $first } – { $last }（最新一条见下）
detail-log-requests = 请求：{ $requests }
detail-log-requests-more = 请求：{ $requests } · 及其他
detail-log-class = 类别：{ $class }（客户端收到 { $status }）
detail-log-what-happened = 发生了什么：{ $text }
detail-log-causes = 常见原因：{ $text }
detail-log-next-check = 下一步检查：{ $text }
detail-log-entry = 条目：
detail-service = 服务
detail-service-title = 服务 { $name }
detail-no-service = 未选择服务
detail-details = 详情
detail-select-a-line = 请在“链路”“发现”“错误日志”或“服务”窗格中选择一行。

## 对话框：操作、消息、就绪检查

dialog-planning = 正在规划 { $what }：询问服务管理器…
dialog-cannot-plan = 无法规划该操作
dialog-confirm-title = 执行 { $id }？
dialog-needs-root = 需要 root：免密 sudo 可用时使用 sudo -n，否则拒绝执行并给出要运行的命令。
dialog-confirm-keys-run = y / Enter：执行      其他任意键：取消
dialog-confirm-keys-continue = y / Enter：继续（随后还需再次确认）      其他任意键：取消
dialog-danger-title = 危险 — { $id }
dialog-danger-text = 执行 { $id } 除了修复问题，还会删除上方“危险”所列的内容。
dialog-danger-keys = D（shift-d）：仍然执行      其他任意键：取消
dialog-running-title = 正在执行 { $id } — Esc 取消
dialog-step-exit = 退出码 { $code }，用时 { $ms } ms
dialog-step-killed = 被信号终止，用时 { $ms } ms
dialog-verifying = 正在验证：重新探测各环节…
dialog-cancelled-at-preview = 已在预览时取消操作
dialog-any-key-closes = （按任意键关闭）
dialog-scroll-hint = j/k 滚动 · 其他任意键关闭
dialog-read-only = 只读
dialog-read-only-text = 控制台以 --read-only（或 read_only = true）运行：恢复操作已禁用。
dialog-no-action = 无可执行的操作
dialog-no-action-finding = 所选发现没有恢复操作（请看其下一步）。
dialog-no-action-service = 请先选择一个服务（“服务”窗格）或一个带服务的环节（“链路”窗格）。
dialog-report-written = 报告已写出
dialog-report-from-shell = （在 shell 中也可用 triage502 report --out FILE 写出报告）
dialog-report-failed = 无法写出报告
dialog-review-planning = 就绪检查
dialog-review-planning-text = 正在规划就绪检查：询问服务管理器…
dialog-review-title = 就绪检查 — { $symbol } { $state }
dialog-review-pass = 通过

## 主机群视图（draw/fleet.rs）

fleetview-title = triage502 fleet — { $count } 台主机
fleetview-asking = 正在询问 { $count } 台…
fleetview-col-state = 状态
fleetview-col-host = 主机
fleetview-col-age = 距今
fleetview-col-version = 版本
fleetview-col-summary = 首要发现 / 原因
fleetview-host-line = triage502 { $version } · 配置档 { $profile } · 主机 { $host } · 时间 { $at }
fleetview-worst-there = 该主机的最差状态
fleetview-read-only = 只读：远程主机不提供恢复操作；请 ssh 登录该主机后运行 triage502。
fleetview-cannot-check = 无法在该主机检查：{ $error }
fleetview-findings = 发现（最能解释问题的在前）
fleetview-all-clear = 一切正常
fleetview-none = 无
fleetview-not-checked = 未检查 { $what }：{ $why }
fleetview-walkthrough = 排查路径
fleetview-key-scroll = 滚动
fleetview-key-back = 返回
fleetview-key-ask-again = 重新询问
fleetview-key-select = 选择
fleetview-key-open = 打开
fleetview-hint-dns = 检查主机名（或 ssh 配置中它的 Host 条目）和 DNS 解析器
fleetview-hint-refused = 该主机上 sshd 在运行吗，是这个端口吗？防火墙 REJECT？
fleetview-hint-timeout = 主机宕机、防火墙丢弃了数据包，或其检查耗时过长
fleetview-hint-unreachable = 没有到它的路由：检查网络、VPN、主机地址
fleetview-hint-auth = ssh 拒绝了密钥：将其加载到 agent，或设置 IdentityFile
fleetview-hint-host-key = ssh 不认识或不再信任其主机密钥：核对后将其加入 known_hosts
fleetview-hint-closed = sshd 关闭了连接：MaxStartups、AllowUsers，或主机即将宕机
fleetview-hint-missing = 在该主机安装 triage502，或在其 [[fleet.host]] 中设置 `binary`
fleetview-hint-too-old = 在该主机安装此版本的 triage502
fleetview-hint-bad-answer = 在该主机上手动运行 `triage502 check --format json`，看看它输出了什么
fleetview-hint-other = 手动运行同样的 ssh 命令以查看更多信息
