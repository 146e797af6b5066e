# Recovery actions: titles, previews, results (actions/).
# See locales/GLOSSARY.md.

## 预览（actions/mod.rs）

action-preview-addresses = 针对：{ $fixes }
action-preview-plan = 计划：{ $note }
action-preview-danger = 危险：{ $danger }
action-preview-precheck = 预检：{ $command }   （{ $purpose }）
action-preview-precheck-root = 预检（root）：{ $command }   （{ $purpose }）
action-preview-step = 第 { $n } 步：{ $command }   （{ $purpose }）
action-preview-step-root = 第 { $n } 步（root）：{ $command }   （{ $purpose }）

## 运行结果与验证结果（actions/mod.rs）

action-status-succeeded = 成功
action-status-failed = 失败：{ $why }
action-status-refused = 已拒绝：{ $why }
action-status-timed_out = { $ms } ms 后超时，命令已被终止
action-status-cancelled = 已取消；命令已被终止
action-verify-fixed = 已修复
action-verify-still_failing = 仍然故障：{ $what }
action-verify-not_verified = 未验证（{ $why }）
action-summary = 操作 { $id }：{ $status }；{ $verification }

## 操作目录（actions/catalogue.rs）：如何选定后端

action-note-backend-config = 后端 { $backend }（配置指定）
action-note-auto-systemd = 后端 auto → systemd（systemd 正在运行；尚未询问）
action-note-auto-supervisor_config = 后端 auto → supervisor（已设置 supervisor_config；尚未询问）
action-note-auto-supervisorctl = 后端 auto → supervisor（已安装 supervisorctl；尚未询问）
action-note-auto-docker = 后端 auto → docker（已安装 docker；尚未询问）
action-note-auto-none = 后端 auto：未找到服务管理器；按 systemd 处理
action-note-asked = 后端 { $configured } → { $backend }（它管理 { $unit }）
action-note-not-asked = 后端 { $configured }：无法询问服务管理器（{ $why }）；尝试 { $backend }
action-note-firewall = 防火墙：{ $firewall }
action-note-nginx-unmanaged = nginx 在本机不是已知的 systemd/supervisor/docker 服务：使用 nginx -s reload
action-note-nginx-unknown = 没有服务管理器管理 nginx（{ $why }）：使用 nginx -s reload

## 服务操作

action-purpose-systemctl = 对该单元执行 systemctl { $verb }
action-purpose-supervisorctl = 对该 program 执行 supervisorctl { $verb }
action-purpose-docker = 对该容器执行 docker { $verb }
action-restart-title = 重启 { $name }（{ $backend }）
action-restart-description = 重启 { $name }。预期修复：服务已停止、卡住或反复崩溃，反向代理连接它时被拒绝或超时（502/504）。
action-start-title = 启动 { $name }（{ $backend }）
action-start-description = 启动 { $name }。预期修复：服务已停止，没有进程监听其端口（连接被拒绝 → 502）。
action-stop-title = 停止 { $name }（{ $backend }）
action-stop-description = 停止 { $name }。本身不修复任何问题：用于在启动前先停掉异常的服务；停止期间它的环节会失败。

## 重新加载 nginx

action-purpose-reload-systemctl = systemctl reload：nginx 重新读取其配置
action-purpose-reload-supervisor = 经 supervisor 发送 SIGHUP：nginx 重新读取其配置
action-purpose-reload-docker = 向容器发送 SIGHUP：nginx 重新读取其配置
action-purpose-reload-nginx = nginx -s reload：master 进程重新读取其配置
action-purpose-nginx-test = nginx -t：配置有误时拒绝重新加载
action-reload-nginx-title = 重新加载 nginx
action-reload-nginx-description = 先用 nginx -t 检查配置，再在不断开连接的情况下重新加载 nginx。预期修复：已改正但尚未加载的 proxy_pass / upstream / 缓冲区设置。nginx -t 失败时拒绝执行。

## 防火墙

action-purpose-firewalld-reload = 重新加载 firewalld 的永久配置
action-purpose-ufw-reload = 重新加载 ufw 规则
action-purpose-nft-load = 加载已保存的 nftables 规则集
action-purpose-nft-check = nft -c：规则集无法解析时拒绝加载
action-purpose-iptables-restore = 恢复已保存的 iptables 规则
action-purpose-iptables-test = iptables-restore --test：规则无法解析时拒绝恢复
action-reload-firewall-title = 重新加载防火墙（{ $firewall }）
action-reload-firewall-description = 重新加载已保存的防火墙配置，运行时添加的规则会被丢弃。预期修复：nginx 与其上游之间多出的 DROP（连接超时 → 504）或 REJECT（连接被拒绝 → 502）规则。
action-purpose-open-runtime = 运行时：立即开放（重新加载后失效）
action-purpose-open-permanent = 永久：重新加载或系统重启后仍保持开放
action-purpose-open-ufw = 运行时且永久（ufw 会保存）
action-purpose-open-iptables = 仅运行时：要保留请保存到 /etc/iptables/rules.v4
action-open-port-title = 开放端口 { $port }（{ $firewall }）
action-open-port-description = 允许入站 TCP 连接到端口 { $port }。预期修复：防火墙丢弃或拒绝了到链路上某个端口的连接。

## SELinux、自定义操作

action-selinux-title = 允许 nginx 发起网络连接（SELinux）
action-selinux-description = 永久设置 SELinux 布尔值 httpd_can_network_connect。预期修复：nginx 对上游的 connect() 失败，报 (13: Permission denied)。
action-purpose-selinux = 设置该布尔值，系统重启后仍然有效
action-purpose-custom = 配置中的自定义操作（以 argv 运行，不经 shell）

## 规划单个操作

action-plan-unknown = 没有操作 '{ $id }'；已知操作：{ $known }
action-plan-known-none = 无
action-plan-refused = 不为 { $id } 生成计划：{ $why }
action-plan-no-manager = 本机没有服务管理器管理 { $unit }（查找了 { $looked }：{ $why }）
action-plan-looked-all = systemd、supervisord 和 docker
action-plan-looked-configured = { $manager }（按配置）

## 抓包（actions/capture.rs）

action-capture-title = 抓取发往 { $addr } 的数据包（{ $hop }）
action-capture-description = 在 { $secs } 秒内记录最多 { $packets } 个与 { $addr } 往来的数据包，同时发起 { $attempts } 次连接尝试，然后说明结果（有 SYN 无 SYN-ACK：被丢弃；RST：被拒绝；SYN-ACK：网络正常）。不修复任何问题；文件保存在 { $folder }。
action-purpose-capture = 抓包（tcpdump，时间和包数有上限）
action-capture-note = 抓包是证据，不是修复：记入审计日志，从不验证
action-capture-no-tcpdump = 未安装 tcpdump：请先安装（apt-get install tcpdump / dnf install tcpdump）再抓包
action-capture-no-folder = 抓包文件没有所在目录
action-capture-line = { $target } 的抓包：{ $verdict }
action-capture-unreadable = 抓包已运行，但无法读取：{ $error }

## 运行（actions/runner.rs）：拒绝与失败

action-run-not-succeeded = 操作未成功
action-run-audit-pending = 尚未写入
action-run-read-only = 只读模式（--read-only 或配置中 read_only = true）：恢复操作已禁用
action-run-danger = { $danger }。未经第二次明确确认不会执行（控制台会询问；`action run --yes` 从不给出该确认）：确认会丢失哪些内容后，请手动加载规则
action-run-busy = 另一个操作正在运行（{ $other }）；请等待它结束
action-run-audit-failed = 审计日志未写入：{ $error }
action-run-nothing-to-verify = 此操作无需重新探测
action-run-no-verifier = 没有验证器
action-run-verify-timeout = 验证在 { $secs } 秒内没有结果
action-run-verify-cancelled = 验证已取消
action-run-no-sudo = 未安装 sudo
action-run-sudo-disabled = sudo 已禁用
action-run-empty-id = 操作 { $id } 的命令行为空
action-run-empty = 命令行为空
action-run-precheck-not-started = 预检 `{ $command }` 无法运行：{ $why }
action-run-not-started = `{ $command }` 无法运行：{ $why }
action-run-precheck-failed-code = 预检 `{ $command }` 失败（退出码 { $code }）；未做任何更改：
action-run-precheck-failed-signal = 预检 `{ $command }` 失败（被信号终止）；未做任何更改：
action-run-failed-code = `{ $command }` 退出，退出码 { $code }
action-run-failed-signal = `{ $command }` 被信号终止
action-run-root = { $id } 需要 root，但没有免密 sudo（{ $why }）；triage502 从不询问密码。请自行运行：
action-run-root-or = 或：sudo triage502 action run { $id } --yes
action-run-not-installed = 未安装 { $program }（PATH 中找不到）
action-run-cannot-run = 无法运行 { $program }：{ $error }
action-run-cannot-wait = 无法等待 { $program } 结束：{ $error }

## 验证（actions/verify.rs）

action-verify-disabled = 验证已禁用
action-verify-no-hop = 配置中没有 service = "{ $name }" 的环节
action-verify-no-hops = 未配置任何环节

## 审计日志（actions/audit.rs）

action-audit-timeline = 操作 { $id }（执行者 { $user }）：{ $detail }；{ $verification }
action-audit-cannot-write = 无法写入 { $path }：{ $error }

## 危险（actions/danger.rs）

action-danger-too-large = { $path } 超过 { $max } 字节
action-danger-cannot-read = 无法读取 { $path }：{ $error }
action-danger-nft-unchecked = { $error }：无法检查加载它会删除什么
action-danger-nft-unlisted = { $file } 以 `flush ruleset` 开头：加载它会删除本机所有 nftables 表，而当前的表无法列出（{ $why }），因此文件中没有的表都会丢失
action-danger-nft-lost = { $file } 会清空整个规则集（`flush ruleset`），只重建 { $kept }；以下当前的表会丢失：{ $lost }
action-danger-nft-lost-all = { $file } 会清空整个规则集（`flush ruleset`），且不重建任何表；以下当前的表会丢失：{ $lost }
action-danger-iptables-unchecked = { $error }：无法检查恢复它会删除什么
action-danger-iptables-unread = 恢复 { $file } 会清空其中列出的表，而当前规则无法读取（{ $why }），因此文件中没有的链（Docker 的、fail2ban 的）可能丢失
action-danger-iptables-lost = 恢复 { $file } 会清空其中列出的表，并删除其中未声明的链；以下当前的链会丢失：{ $lost }

## `triage502 action list|run`（actions/cli.rs）

action-cli-secret-unreadable = 无法读取容器的密钥以便遮蔽：不列出
action-cli-read-only = 只读：所有操作都会被拒绝
action-cli-none = 没有可用操作：请在配置中添加 [[service]] 或 [[action]] 条目
action-cli-confirm-danger = 这会删除“危险”一项列出的内容。输入 'delete' 表示接受：
action-cli-confirm = 执行吗？[y/N]
action-cli-danger-yes = 不以 --yes 运行 { $id }：{ $danger }。它需要第二次明确确认：请在终端上不带 --yes 运行，或手动加载规则
action-cli-not-run = 未执行。
action-cli-no-terminal = 不运行 { $id }：标准输入不是终端，无法确认；传入 --yes 可不经询问直接运行
action-cli-no-signals = 不运行 { $id }：无法监听信号以便取消：{ $error }
action-cli-cancelling = { $signal }：正在取消…
action-cli-exit = 退出码 { $code }，用时 { $ms } ms
action-cli-exit-signal = 被信号终止，用时 { $ms } ms
action-cli-verifying = 验证中：重新探测各环节…
action-cli-result = { $id }：{ $status }，用时 { $ms } ms；{ $verification }
action-cli-audit = 审计日志：{ $path }

## 引擎：时间线、事件阶段、访问日志（engine/）

timeline-journal-failed = 无法写入时间线记录文件 { $path }：{ $error }
timeline-finding = 发现 { $id }：{ $title }
timeline-finding-cleared = 发现 { $id } 已消除
timeline-green-again = 所有环节已恢复正常，历时 { $duration }
engine-host-refreshing = 刷新中：上次快照早于链路的最近一次变化
engine-logs-unfollowed = 无法跟踪日志：{ $error }
phase-diagnosed = 初步诊断用时 { $duration }{ $mark }（≤5m）
phase-worked-around = 临时规避用时 { $duration }{ $mark }（≤15m）
phase-green = 恢复正常用时 { $duration }
access-none = 访问日志：最近 { $minutes } 分钟的 { $requests } 个请求中没有 502/503/504
access-bad = 访问日志：最近 { $minutes } 分钟的 { $requests } 个请求中，客户端收到 { $bad }
access-own-probes = ；本工具自身的 { $n } 个探测请求未计入
access-unreadable = ；无法读取 { $problem }
