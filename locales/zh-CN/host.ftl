# 主机事实的中文文本（src/host/**）：服务状态、事实未知的原因、工具的输出、nginx 配置、
# 防火墙、磁盘、SELinux。术语见 locales/GLOSSARY.md。

## Shared pieces.
host-sep-comma = ，
host-sep-semi = ；
host-hint-sudo = 需要 root：请用 sudo 运行
host-needs-root-because = 需要 root：{ $message }
host-cannot-read = 无法读取 { $path }：{ $error }
host-bad-json = { $source }：JSON 无效：{ $error }
host-unknown-hint = { $reason }（{ $hint }）

## Service states and the words of the host's enums (host/services.rs, host/words.rs).
host-state-active = 运行中
host-state-activating = 启动中
host-state-deactivating = 停止中
host-state-restarting = 重启中
host-state-inactive = 已停止
host-state-failed = 已失败
host-state-exited-code = 已退出（{ $code }）
host-state-exited = 已退出
host-state-unknown = 未知
host-target-listening = 正在监听
host-target-other_address = 该端口只在其他地址上监听
host-target-no_listener = 该端口无进程监听
host-target-unix_present = unix 套接字存在
host-target-unix_missing = unix 套接字不存在
host-target-remote = 不在本机（需通过网络探测）
host-target-unresolved = 主机名或变量，不解析就无法对应
host-answered-none = 无服务管理器
host-origin-files = 磁盘上的配置文件
host-origin-test-only = 仅 nginx -t（无法分析配置文件）
host-level-default = nginx 默认值
host-level-http = http 块
host-level-server = server 块
host-level-location = location 块
host-selinux-absent = 未安装

## Running tools (host/cmd.rs).
host-cmd-empty = 命令行为空
host-cmd-not-installed = 未安装 { $program }（PATH 中找不到）
host-cmd-permission = 运行 { $program } 权限不足
host-cmd-cannot-run = 无法运行 { $program }：{ $error }
host-cmd-timeout = { $tool } 在 { $after } 后超时
host-cmd-timeout-hint = 该工具卡住或主机过载；请重试或调大超时
host-cmd-failed = { $tool } 失败：{ $error }
host-cmd-python-module = { $interp } { $option } 运行经 sys.path 查找的模块（当前目录优先）
host-cmd-no-file = { $interp } { $option } 未指定文件
host-cmd-untrusted-hint = triage502 只运行属于 root（或其运行身份的用户）且他人不可写的程序和脚本：请修正属主和权限（chown root:，chmod go-w），或指定其他程序
host-cmd-run-by = { $error }（由 { $name } 运行）
host-cmd-refusing = 拒绝运行 `{ $name }`：{ $why }
host-cmd-refusing-env-s = 拒绝运行 `{ $name } -S`：它启动的程序藏在一个字符串里

## Collecting the snapshot (host/mod.rs).
host-collect-timeout = { $what }在 { $after } 后超时
host-collect-timeout-hint = 主机可能过载；下次刷新时会重试
host-collect-failed = 采集失败：{ $error }
host-collect-nginx-unknown = nginx 配置未知
host-collect-sockets-unknown = 监听套接字未知
host-what-sockets = 读取套接字
host-what-processes = 采样进程
host-what-memory = 读取内存
host-what-kernel-log = 读取内核日志
host-what-services = 查询服务
host-what-firewall = 读取防火墙
host-what-selinux = 读取 SELinux
host-what-disk = 测量磁盘空间
host-what-nginx = 读取 nginx 配置

## Services (host/services.rs, host/service_tail.rs, host/supervisor_rpc.rs).
host-svc-unit-not-found = 找不到 systemd 单元 { $unit }
host-svc-no-activestate = systemctl show { $unit }：输出中没有 ActiveState
host-svc-name-refused = 未询问服务管理器：{ $error }
host-svc-name-refused-hint = 请在配置中修正该服务的名称或单元
host-svc-no-such-program = supervisord 中没有程序 { $program }（现有：{ $names }）
host-svc-none = 无
host-svc-no-such-program-hint = 请设置该服务的 supervisor_program（即 supervisorctl 显示的 group:name）
host-svc-no-output = 无输出
host-svc-supervisord-down-hint = supervisord 未运行，或请指定其配置（supervisorctl -c FILE）
host-svc-container-not-found = 找不到 docker 容器 { $container }
host-svc-docker-sudo-hint = 需要 root 或 docker 组：请用 sudo 运行
host-svc-docker-down-hint = docker 守护进程未运行
host-svc-no-systemd = 无 systemd
host-svc-no-supervisorctl = 无 supervisorctl
host-svc-no-docker = 无 docker
host-tail-journal-unread = 未读取 journal：{ $why }
host-tail-docker-unread = 未读取 docker logs：{ $why }
host-rpc-no-socket = 配置中没有无需密码的 supervisord 套接字
host-rpc-at = supervisord（{ $socket }）：{ $what }
host-rpc-no-answer = { $after } 内无应答
host-rpc-not-http = 不是 HTTP 应答
host-rpc-answered = 应答为 { $status }
host-rpc-log-source = { $unit } 的 supervisor { $stream } 日志
host-rpc-log-empty = { $unit } 的 { $stream } 日志为空
host-rpc-log-error = supervisord 中 { $unit } 的 { $stream } 日志：{ $error }
host-rpc-unparsable = 应答无法解析：{ $error }
host-rpc-no-text = 应答中没有文本
host-rpc-fault-text = supervisord 返回了 fault：{ $text }
host-rpc-fault = supervisord 返回了 fault
host-rpc-output-unread = 未读取输出：{ $why }
host-rpc-cut-short = 应答不完整
host-rpc-no-name = 有程序没有名称
host-rpc-unknown-state = 未知状态 { $state }

## Processes, memory, OOM kills (host/process.rs).
host-proc-poisoned = 进程采样器因先前的 panic 不可用
host-proc-cannot-read = 无法读取进程：{ $error }
host-mem-no-total = /proc/meminfo 中没有 MemTotal
host-oom-since = 自 { $since } 起
host-oom-since-boot = 自开机以来（内核环形缓冲区）
host-oom-kmsg-failed = 读取 kmsg 失败：{ $error }
host-oom-unreadable = 无法读取内核日志（{ $why }）

## Listening sockets (host/sockets.rs).
host-sock-proc-net = 无法读取 /proc/net：{ $errors }
host-sock-proc-net-hint = /proc 是否已挂载？
host-sock-owner-hidden = 需 root 才可见
host-sock-owner-none = 没有进程持有（内核套接字，或进程刚退出）

## Disks (host/disk.rs).
host-disk-cache = 文档服务器缓存（storage.fs.folderPath，{ $from }）
host-disk-cache-short = 文档服务器缓存
host-disk-logs = 文档服务器日志
host-disk-tmp = 临时文件（x2t）
host-disk-tmp-short = 临时文件
host-disk-label = { $mount }（{ $holds }）
host-disk-cannot-read-root = 无法读取 { $path }：{ $error }（请以 root 运行）

## Firewall (host/firewall/).
host-fw-nft-detail = { $rules } 条规则，{ $chains } 个基础链
host-fw-rules = { $rules } 条规则
host-fw-zone = 区域 { $zone }
host-fw-nft-not-json = nft -j 的输出不是 JSON：{ $error }
host-fw-nft-no-array = nft -j 的输出中没有 "nftables" 数组

## SELinux (host/selinux.rs).
host-selinux-from-fs = 读取自 /sys/fs/selinux
host-selinux-unmounted = selinuxfs 未挂载；/etc/selinux/config 中为 SELINUX={ $set }
host-selinux-not-present = 不存在

## nginx (host/nginx/, host/nginx_conf.rs).
host-nginx-no-servers = 未找到 http server 块
host-nginx-test-failed = nginx 配置测试失败
host-nginx-test-sudo-hint = 需要 root 才能打开部分文件：请用 sudo 运行
host-nginx-dump-unparsable = 无法解析 nginx -T 的输出：{ $error }
host-nginx-reader-failed = 读取配置失败：{ $error }
host-nginx-files-not-analysed = 未分析配置文件：{ $error }
host-nginx-config-path-hint = 请在 triage502 配置中指定配置文件路径（nginx -c）
host-nginx-files-after-notrun = { $why }；{ $error }
host-nginx-files-after-failed = nginx -T 失败：{ $message }；{ $error }
host-nginx-location-undecidable = location { $modifier } { $path }（{ $at }）无法在此求值：{ $error }
host-nginx-dual-stack = 监听 [::] 的套接字也接受 IPv4，除非设置了 IPV6_V6ONLY（net.ipv6.bindv6only）
host-nginx-other-address = nginx 连接 { $target }，但该端口只绑定在 { $bound } 上
host-nginx-remote = 不是本机地址；由 TCP 探测检查
host-nginx-no-upstream = 没有名为 { $name } 的 upstream 块
host-nginx-variables = 含变量：每个请求时解析
host-nginx-nested-upstream = 嵌套的 upstream 名称
host-nginx-host-name = 主机名：由 DNS 探测解析
host-conf-parse-error = { $file }:{ $line }：{ $message }
host-conf-unterminated-quote = 引号 { $quote } 未闭合
host-conf-unterminated = 字符串未结束
host-conf-unexpected-semi = 意外的 ";"
host-conf-unexpected-open = 意外的 "{"{"}"
host-conf-unexpected-close-semi = 意外的 "{"}"}"（缺少 ";"？）
host-conf-unexpected-close = 意外的 "{"}"}"
host-conf-eof-semi = 文件意外结束，应为 ";" 或 "{"}"}"
host-conf-eof-close = 文件意外结束，应为 "{"}"}"
host-conf-not-in-dump = { $path } 不在 nginx -T 的输出中
host-conf-read-denied = 无法读取 { $path }：权限不足（请用 sudo 运行）
host-conf-more-warnings = 更多警告已省略
host-conf-too-large = { $at }：展开 include 后配置过大，其余部分已省略
host-conf-too-deep = { $at }：include 嵌套过深
host-conf-include-missing = { $at }：找不到被 include 的文件 { $path }
host-conf-include-loop = { $at }：{ $path } 包含了自身（循环），已跳过

## Readiness facts (host/readiness.rs).
host-ready-no-supervisor-config = 找不到 supervisord 配置
host-ready-no-section = { $files } 中没有 [{ $section }] 段
host-ready-no-section-hint = 若 supervisor 配置不可读，请以 root 运行
host-ready-no-logrotate = 既没有 /etc/logrotate.conf 也没有 /etc/logrotate.d：本机未配置 logrotate
host-ready-name-refused = 未就此名称询问服务管理器
host-ready-supervisor-failed = 读取 supervisor 配置失败
host-ready-no-manager = 没有服务管理器管理此服务
host-cmd-what-program = 程序
host-cmd-what-script = 脚本
