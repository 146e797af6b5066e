# 配置、文件安全与自动发现的中文文本（src/config、src/fsafe.rs、src/util.rs、src/discover）。
# 术语见 locales/GLOSSARY.md。

## 加载配置（config/mod.rs）。
config-source-embedded = 内置配置档 '{ $name }'
config-source-generic = 通用配置档（命令行）
config-source-discovered = 从本机发现，无配置文件
config-usage-both-urls = --proxy-url 和 --app-url
config-usage-generic-with-config = { $what } 不能与 --config { $file } 同时使用：通用配置档由命令行构建；请去掉 --config，或在该文件中描述链路
config-usage-urls-imply-generic = { $urls } 意味着 --profile generic，不能与 --profile { $profile } 同时使用
config-usage-url-implies-generic = { $urls } 意味着 --profile generic，不能与 --profile { $profile } 同时使用
config-usage-expect-status = --app-expect-status 只适用于通用配置档（与 --proxy-url 和 --app-url 一起使用）
config-unknown-profile = 未知的配置档 '{ $profile }'
config-unknown-profile-hint = 可用配置档：onlyoffice、generic
config-file-what = 配置文件
config-file-untrusted-hint = 配置中列出了 triage502 会运行的程序；请让它属于 root（或你自己）且其他人不可写，或用 --config 指向符合要求的文件
config-cannot-read = 无法读取配置：{ $error }
config-not-utf8 = 不是 UTF-8 文本（偏移 { $offset } 处有无效字节）
config-not-utf8-hint = TOML 配置必须是 UTF-8 编码
config-cannot-render = 无法输出配置：{ $error }

## 配置问题及提示（config/validate.rs）。
config-problem-hint = 提示：{ $hint }
config-did-you-mean = 你是否想写 `{ $name }`？
config-valid-here = 此处可用：{ $names }
config-hint-remove = 请删除它
config-hint-type = 请检查值的类型：字符串加引号，数字不加
config-hint-add-field = 请添加该字段
config-hint-example = 例如 { $example }
config-service-name-empty = 服务名为空
config-service-name-dash = 服务名 '{ $name }' 以 '-' 开头：服务管理器会把它当作选项
config-service-name-long = 服务名 '{ $name }' 超过 { $max } 个字符
config-service-name-char = 服务名 '{ $name }' 含有不允许的字符 '{ $char }'
config-service-name-hint = 只能使用字母、数字和 @ . _ - : +，且不能以 '-' 开头（例如 ds-docservice、ds:converter）
config-hop-name-empty = 有一个环节的名称为空
config-hop-name-empty-hint = 请为每个 [[hop]] 取一个简短且唯一的名称
config-hop-name-twice = 环节名称 '{ $name }' 重复使用
config-hop-name-twice-hint = 环节名称必须唯一
config-hop-needs-url = 环节 '{ $name }'（{ $kind }）需要 `url`
config-hop-bad-url = 环节 '{ $name }'：url { $error }
config-hop-bad-url-hint = 请使用 http://host[:port]/path 或 https://...
config-hop-needs-target = 环节 '{ $name }'（{ $kind }）需要 `target`
config-hop-target-not-host-port = 环节 '{ $name }'：target '{ $target }' 不是 host:port 格式
config-hop-target-hint = 例如 target = "127.0.0.1:8000" 或 "[::1]:443"
config-hop-ca-file-not-tls = 环节 '{ $name }'：ca_file 只适用于 tls 环节和 https URL
config-hop-ca-file-not-tls-hint = 请删除 ca_file，或改用 https:// URL
config-hop-ca-file-hint = 应为 CA 证书的 PEM 文件，属于 root（或你自己）且其他人不可写（谁能写它，谁就决定信任什么）
config-hop-timeout-zero = 环节 '{ $name }'：timeout_ms 为 0
config-hop-timeout-zero-hint = 超时至少设为 100 ms
config-hop-unknown-service = 环节 '{ $name }' 引用了未知服务 '{ $service }'
config-hop-unknown-service-hint = 请添加同名的 [[service]]
config-action-empty-argv = 操作 '{ $id }' 的 argv 为空
config-action-empty-argv-hint = argv = ["/usr/bin/program", "arg"]（不经 shell：每个元素一个词）
config-action-id-twice = 操作 id '{ $id }' 重复使用
config-action-id-twice-hint = 操作 id 必须唯一
config-keys-hint = 参见 `triage502 --help` 和 README 中的按键表
config-unknown-theme = 未知主题 '{ $theme }'
config-themes = 可用主题：{ $names }
config-unknown-lang = 未知语言 '{ $lang }'
config-unknown-lang-hint = 可用语言：en、zh-CN
config-probe-interval-short = probe.interval_ms = { $ms } 太短
config-probe-interval-short-hint = 至少设为 100 ms（默认 2000）
config-probe-timeout-zero = probe.timeout_ms 为 0
config-probe-timeout-zero-hint = 至少设为 100 ms（默认 3000）

## 遮蔽密钥所用的指纹密钥（config/secret.rs）。
secret-key-no-folder = 没有存放指纹密钥的目录；本次运行使用临时密钥
secret-key-this-run = { $error }；指纹仅用本次运行的临时密钥计算
secret-key-folder-refused = 拒绝使用指纹密钥目录：{ $error }
secret-key-write-failed = 无法写入 '{ $path }'：{ $error }
secret-key-create-failed = 无法创建指纹密钥：{ $error }
secret-key-vanished = 指纹密钥 '{ $path }' 已消失
secret-key-create-path-failed = 无法创建指纹密钥 '{ $path }'：{ $error }
secret-key-refused = 拒绝使用指纹密钥 '{ $path }'：{ $why }
secret-key-owner = 其属主为 { $owner }，而非 { $me }
secret-key-mode = 其他用户可读写（权限 { $mode }，应为 600）
secret-key-length = 长度为 { $bytes } 字节，而非 { $expected }

## 文件安全：决定运行内容的文件、写入的文件、读取的文件（fsafe.rs）。
fsafe-what-error = { $what } '{ $path }'：{ $error }
fsafe-owner-root-or = root 或 { $user }
fsafe-refuse-owner = 拒绝使用{ $what } '{ $path }'：其属主为 { $owner }，而非 { $allowed }；该文件的属主可借此让 triage502 以 { $me } 身份运行其命令
fsafe-refuse-writable = 拒绝使用{ $what } '{ $path }'：其属主为 { $owner }，但组或其他用户可写（权限 { $mode }）；请运行 `chmod go-w { $real }`
fsafe-refuse = 拒绝使用{ $what } '{ $path }'：{ $why }
fsafe-folder-owner = 其所在目录 '{ $dir }' 的属主为 { $owner }，该用户可替换它
fsafe-folder-writable = 其所在目录 '{ $dir }' 组或其他用户可写（权限 { $mode }）且未设粘滞位；其他用户可替换它
fsafe-private-not-folder = '{ $path }' 已存在且不是目录（是符号链接或文件）；请删除它或另选路径
fsafe-private-owner = '{ $path }' 的属主为 { $owner }，不是你（{ $me }）；请删除它或另选路径
fsafe-private-writable = '{ $path }' 组或其他用户可写（权限 { $mode }）；请运行 `chmod go-w { $path }` 或另选路径
fsafe-parent-symlink = '{ $path }'：路径上的符号链接 '{ $link }' 属主为 { $owner }，该用户可将其指向别处
fsafe-cannot-create = 无法创建 '{ $path }'：{ $error }
fsafe-write-folder-error = 无法写入 '{ $path }'：目录 '{ $dir }'：{ $error }
fsafe-write-refused = 拒绝写入 '{ $path }'：{ $why }
fsafe-write-symlink = 拒绝写入 '{ $path }'：它是符号链接
fsafe-write-exists = '{ $path }' 已存在；不覆盖
fsafe-write-error = 无法写入 '{ $path }'：{ $error }
fsafe-write-not-regular = 拒绝写入 '{ $path }'：它不是普通文件
fsafe-write-owner = 拒绝写入 '{ $path }'：其属主为 { $owner }，不是你
fsafe-write-hard-links = 拒绝写入 '{ $path }'：它有 { $links } 个硬链接（另一个名称可能指向你无意修改的文件）
fsafe-read-symlink = 是符号链接（未跟随）
fsafe-read-not-regular = 是{ $kind }，不是普通文件
fsafe-read-not-opened = { $why }（未打开：读取它可能阻塞或永不结束）
fsafe-kind-folder = 目录
fsafe-kind-fifo = FIFO
fsafe-kind-socket = 套接字
fsafe-kind-device = 设备
fsafe-kind-symlink = 符号链接
fsafe-kind-regular = 普通文件

## URL 与 I/O 错误（util.rs）。
util-url-invalid = '{ $url }' 不是 URL（{ $error }）
util-url-scheme = '{ $url }' 必须以 http:// 或 https:// 开头
util-url-no-host = '{ $url }' 没有主机名
util-url-no-port = '{ $url }' 没有端口
util-io-not-found = 文件或目录不存在
util-io-permission-denied = 权限不足
util-io-hint-sudo = 请以 root 运行（sudo triage502 ...），或让该文件可读
util-io-hint-path = 请检查配置中的路径
util-runtime-failed = 无法启动异步运行时：{ $error }

## 自动发现：在哪里发现了什么，哪些无法读取及原因（discover/*.rs）。
discover-pid-env-bad = { $setting } 不是 pid
discover-why-nothing = 没有前置文档服务器的 nginx 主进程，也没有文档服务器进程或容器
discover-stopped = 发现过程意外中止
discover-src-container = 容器 { $name }（{ $image }）
discover-src-container-port = { $container }：其 80 端口发布在 { $port }
discover-src-container-logs = { $container }：/var/log/onlyoffice 卷
discover-what-master = nginx 主进程 { $pid }
discover-pid-env-no-master = { $env }：没有该 pid 的 nginx 主进程
discover-master-foreign = 运行在另一个挂载命名空间（容器）中：未读取
discover-what-masters = nginx 主进程
discover-masters-many = 共 { $count } 个在运行；只读取前 { $max } 个
discover-what-discovery = 自动发现
discover-timeout = 未在 { $duration } 内完成：请提供配置文件
discover-what-sockets = 监听套接字
discover-what-environments = { $count } 个监听进程的环境变量
discover-environments-hidden = 其中的文档服务器只能通过可执行文件识别
discover-master-fronts-none = 该 nginx 主进程没有前置文档服务器
discover-master-also-fronts = 也前置了一个文档服务器（{ $at }）；未使用：设置 { $setting } 以使用它
discover-what-integrator = 集成方设置
discover-src-proxy-pass-owner = proxy_pass 位于 { $at }；监听属主 { $owner }
discover-what-ds-port = 端口 { $port } 上的文档服务器
discover-ds-port-other = pid { $pid } 在该端口监听，但未被识别为文档服务器
discover-ds-port-down-found = 该端口当前无进程监听：已按名称找到其服务
discover-ds-port-down-unknown = 该端口当前无进程监听：其进程、设置和服务均未知
discover-src-proxy-pass-and = proxy_pass 位于 { $at }；{ $source }
discover-src-proxy-pass = proxy_pass 位于 { $at }
discover-what-nginx-service = nginx 的服务
discover-src-nginx-master = nginx 主进程 pid { $pid }（通过 { $how } 读取）
discover-what-ds-service = 文档服务器的服务
discover-src-beside-logs = 位于 { $service } 的日志文件旁
discover-src-package-logs = 软件包的日志目录
discover-what-ds-logs = 文档服务器日志
discover-ds-logs-none = 其服务没有程序日志，也没有 /var/log/onlyoffice/documentserver
discover-what-ds-settings = 文档服务器设置
discover-default-json-missing = 不存在：只知道 local.json 中列出的依赖
discover-what-dep-service = { $name } 的服务
discover-dep-not-listening = 本机端口 { $port } 无进程监听
discover-none-using-profile = 自动发现未找到文档服务器（{ $why }）；改用内置 onlyoffice 配置档
discover-none = 自动发现未在本机找到文档服务器：{ $why }
discover-config-name = 发现的配置
discover-config-bug = 发现的配置无法加载（程序缺陷）：{ $error }
discover-show-config-heading = 据此生成的配置（triage502 config init --discover FILE 会写入）：
discover-src-integrator-url = 集成方的 DocumentServerUrl
discover-src-server-block = server 块 { $at }
discover-src-listen = server 块 { $at } 的 listen
discover-src-tls = { $listen }（ssl；证书 { $cert }）
discover-src-command = 文档服务器的命令服务，位于 { $base }
discover-src-websocket = 编辑器经 { $base } 的 WebSocket
discover-docker-not-array = 不是数组
discover-docker-no-socket = 没有 { $socket }：没有 Docker 守护进程
discover-settings-too-large = { $path }：大于 { $max } 字节
discover-settings-bad-json = { $path }：无法解析：{ $error }
discover-src-node-config-dir = pid { $pid }：NODE_CONFIG_DIR={ $dir } 存放文档服务器的设置
discover-src-executable = pid { $pid }：可执行文件 { $exe }
discover-src-merged = { $key }（合并到 default.json 之上的设置）
discover-src-sql = { $key }（type { $kind }，dbHost { $host }，dbPort { $port }，密码不显示）
discover-src-redis = { $key }（host { $host }，port { $port }）
discover-why-named-docservice = （{ $state }）名称表明是文档服务器的 docservice
discover-src-unit-file = systemd 单元文件 { $file }
discover-src-cgroup-container = pid { $pid } 的 cgroup：容器 { $container }
discover-src-cgroup-unit = systemd 单元 { $unit }（pid { $pid } 的 cgroup）
discover-no-manager = pid { $pid }：其父进程中没有 supervisord，其 cgroup 中也没有 systemd 单元
discover-supervisord-no-program = supervisord { $sup }（{ $conf }）没有运行持有 pid { $pid } 的程序
discover-why-holds-pid = 持有 pid { $pid }
discover-src-supervisord-program = supervisord pid { $sup }（{ $conf }）：程序 { $program } { $why }
discover-supervisord-relative-config = supervisord { $sup }：配置为相对路径 { $conf }
discover-supervisord-no-config = supervisord { $sup }：没有 -c 参数，也没有默认配置
discover-supervisord-foreign = supervisord { $sup } 以 { $user } 身份运行：未询问
discover-what-supervisord-config = supervisord 配置
discover-master-foreign-user = 主进程以 { $user } 身份运行：不以我们的身份运行其配置
discover-master-error = 主进程 { $pid }：{ $error }
discover-what-nginx-config = nginx 配置
discover-nginx-t-unparsed = 无法解析 nginx -T 的输出：{ $error }
discover-nginx-t-empty = nginx -T 没有输出任何配置
discover-nginx-t-failed = nginx -T 失败：{ $error }
discover-reader-failed = 配置读取失败：{ $error }
discover-files-failed = { $why }；读取文件：{ $error }
discover-how-files = 配置文件（{ $why }）
discover-because-upstream = 代理到文档服务器的上游名称或端口
discover-because-locations = 含有文档服务器的 location
discover-because-site-file = 位于文档服务器的站点文件中
discover-src-dash-e = nginx 主进程 { $pid } 的 -e 参数

## 发现的配置中的注释，以及 `config show --discover`（discover/render.rs）。
discover-config-head-1 = 由 `triage502 config init --discover` 根据本机运行情况生成的
discover-config-head-2 = triage502 配置。每个环节和服务都注明了发现来源；可自由修改。
discover-not-found-heading = 未找到或未读取：
discover-config-found = 发现于：{ $source }
discover-show-summary = 发现耗时 { $ms } ms：{ $hops } 个环节，{ $services } 个服务，{ $logs } 个日志文件
discover-show-found = 已发现：
discover-show-none = 未在本机找到文档服务器（{ $ms } ms）

## `[fleet]` 表的问题及提示（config/fleet.rs）。
config-fleet-destination-empty = 目标为空
config-fleet-destination-dash = 目标 '{ $destination }' 以 '-' 开头（ssh 会把它当作选项）
config-fleet-destination-space = 目标 '{ $destination }' 含有空格或控制字符
config-fleet-host-problem = [[fleet.host]]：{ $problem }
config-fleet-destination-hint = 请按 ssh 接受的格式填写：host、user@host 或 ssh://user@host:port
config-fleet-host-empty = [[fleet.host]] { $destination }：{ $what } 为空
config-fleet-host-empty-hint = 请删除 `{ $what }`，或填写该主机上的路径
config-fleet-ssh-option-bad = [fleet] ssh_options：'{ $option }' 不是 Key=value 格式
config-fleet-ssh-option-hint = 每项即 `ssh -o` 后面的内容，例如 "Port=2222"
config-fleet-bounds-zero = [fleet] concurrency、timeout_s 和 connect_timeout_s 至少为 1
config-fleet-bounds-zero-hint = 删除它们即使用默认值（8、60、10）

## 通用配置档的问题（config/generic.rs）。
config-generic-hint = 例如 --profile generic --proxy-url https://example.org/ --app-url http://127.0.0.1:3000/
config-generic-needs-url = 通用配置档需要 { $flag }
config-generic-bad-url = { $flag }：{ $error }

## `[watch]` 与 `[[alert]]` 的问题及提示（config/watch.rs）。
config-watch-hold-rounds-zero = [watch] hold_rounds 至少为 1
config-watch-hold-rounds-hint = 1：首轮观察到发现即告警；2（默认）可忍过一轮偶发异常
config-watch-silence-empty = [[watch.silence]] finding 为空
config-watch-silence-empty-hint = 填写发现 id（如 service_down），或 all
config-watch-name-unusable = [[alert]] 名称 '{ $name }' 不可用
config-watch-name-unusable-hint = 1 到 { $max } 个字母、数字、'-'、'_' 或 '.'
config-watch-name-twice = [[alert]] 名称 '{ $name }' 重复使用
config-watch-name-twice-hint = 每个告警接收方需要不同的名称
config-watch-command-needs-argv = [[alert]] '{ $name }'：command 接收方需要 argv，且不能有 url
config-watch-url-not-http = [[alert]] '{ $name }'：url 不是 http(s) 地址
config-watch-url-not-http-hint = 填写该服务为其 webhook 提供的地址，https://…
config-watch-needs-url = [[alert]] '{ $name }'：{ $kind } 接收方需要 url，且不能有 argv
config-watch-needs-url-hint = url = "https://…"（该服务提供的 webhook 地址）
config-watch-secret-kind = [[alert]] '{ $name }'：secret 只适用于 dingtalk 和 feishu 接收方
config-watch-secret-kind-hint = 请删除它，或把令牌放在该服务要求的位置（在 url 中）
