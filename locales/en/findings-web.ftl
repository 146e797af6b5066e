# Findings about the proxy, storage and integration (diagnose/rules/{proxy,storage,integration}.rs).
# Ids: finding-<id>-title / -why / -next-N, ev-<what>. See locales/GLOSSARY.md.

## proxy.rs

finding-proxy_down-title = nginx does not answer on { $target }
finding-proxy_down-why = Nothing accepts connections on the proxy's port, so every request fails before it reaches the application.
finding-proxy_down-next-restart = Start or restart nginx; if it does not stay up, run `nginx -t` for the configuration error.
finding-proxy_down-next-log = Look at the end of nginx's error log for [emerg] lines (port already in use, missing certificate).

finding-proxy_config_invalid-title = nginx configuration test fails: { $message }
finding-proxy_config_invalid-why = nginx refuses to load a configuration that fails its test: the next reload or restart will not take it.
finding-proxy_config_invalid-next-fix-at = Fix the error at { $at }, then run `nginx -t` again before reloading.
finding-proxy_config_invalid-next-fix-in = Fix the error in { $file }, then run `nginx -t` again before reloading.
finding-proxy_config_invalid-next-fix = Fix the error, then run `nginx -t` again before reloading.
finding-proxy_config_invalid-next-until = Until it is fixed, a reload or restart of nginx will fail (a running nginx keeps the old config).
ev-nginx-test-at = { $message } at { $at }
ev-nginx-test-in = { $message } in { $file }

finding-proxy_target_mismatch-title-elsewhere = nginx proxies to { $endpoint }, but the application listens on { $listeners } only
finding-proxy_target_mismatch-title-nothing = nginx proxies to { $endpoint } where nothing listens
finding-proxy_target_mismatch-title-upstream = nginx gets no answer upstream while the application answers directly
finding-proxy_target_mismatch-why = nginx's proxy_pass / upstream points at an address or port where the application does not listen, while the application itself answers on its real address.
finding-proxy_target_mismatch-next-compare = Compare proxy_pass / upstream servers with where the application listens (ports pane, ss -ltnp).
finding-proxy_target_mismatch-next-fix = Fix the address in the nginx configuration, run nginx -t, then reload nginx.
finding-proxy_target_mismatch-next-point = Point the upstream at { $listener } (nginx -t, then reload nginx), or make the application listen on { $endpoint } as well (its listen/bind setting) and restart it.
ev-proxy-target-real = the application answers on { $addresses }: point proxy_pass / the upstream there
ev-nginx-target = server { $server } location { $location } { $directive } → { $endpoint }: { $status }
ev-nginx-target-instead = server { $server } location { $location } { $directive } → { $endpoint }: { $status }; listening instead: { $listeners }
ev-nginx-target-upstream = server { $server } location { $location } { $directive } → { $endpoint } (upstream { $upstream }): { $status }
ev-nginx-target-upstream-instead = server { $server } location { $location } { $directive } → { $endpoint } (upstream { $upstream }): { $status }; listening instead: { $listeners }
ev-nginx-target-status-nothing = nothing listens there
ev-nginx-target-status-elsewhere = the port listens on another address only
ev-nginx-target-status-socket = the socket file does not exist
ev-nginx-target-status-unreachable = not reachable

finding-proxy_target_mismatch-family-title-one = nginx also tries { $endpoint } for { $target } (1 failed attempt logged): the application listens on one address family only
finding-proxy_target_mismatch-family-title-many = nginx also tries { $endpoint } for { $target } ({ $n } failed attempts logged): the application listens on one address family only
finding-proxy_target_mismatch-family-why = nginx resolves a host name in proxy_pass / upstream to every address it has (localhost: 127.0.0.1 and ::1) and tries them in turn; the one where nothing listens fails on part of the requests, which nginx retries on the other. Users mostly get through, but each such request waits for a failed attempt, the error log fills, and when the working address fails there is no second chance.
finding-proxy_target_mismatch-family-next-address = Write the address the application listens on instead of the name ({ $address }), then nginx -t and reload; or make the application listen on both families.
ev-nginx-two-families-upstream = server { $server } location { $location } { $directive } { $target }: upstream { $upstream } has servers { $live } and { $endpoint }; the application listens on { $listeners } only
ev-nginx-two-families-name = server { $server } location { $location } { $directive } { $target }: resolves to { $live } and { $endpoint }; the application listens on { $listeners } only

finding-header_buffer_too_small-title = The application's response headers do not fit nginx's proxy buffer
finding-header_buffer_too_small-why = nginx reads the upstream's response headers into proxy_buffer_size (4k or 8k by default); larger headers (big cookies, long CSP) make it answer 502.
finding-header_buffer_too_small-next-raise = Raise the buffers in the location: proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;
finding-header_buffer_too_small-next-reload = Run nginx -t and reload nginx.

finding-websocket_not_proxied-title = WebSocket upgrade fails through the proxy ({ $proxied }) but works direct ({ $direct })
finding-websocket_not_proxied-why = The editor keeps a WebSocket to the Document Server (/doc/<id>/c/?EIO=4&transport=websocket); a proxy location that does not pass Upgrade and Connection, or speaks HTTP/1.0 to the upstream, turns the upgrade into a plain GET: the editor hangs on loading, with no 502 anywhere.
finding-websocket_not_proxied-next-headers = In the location that proxies to the Document Server add: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; (with a map $http_upgrade $connection_upgrade {"{"} default upgrade; '' close; {"}"}), then nginx -t and reload.
ev-nginx-headers-missing = { $server } location { $location } (proxy_pass { $pass }) at { $at }: missing { $missing }

finding-upload_too_large-title = nginx refused a { $size } upload to { $path } (413)
finding-upload_too_large-title-limit = nginx refused a { $size } upload to { $path } (413): client_max_body_size is { $limit }
finding-upload_too_large-size-unknown = a body
finding-upload_too_large-why = nginx answers 413 Request Entity Too Large when a request body exceeds client_max_body_size (default 1m) of the location that handles it: documents larger than that cannot be uploaded or saved, whatever the Document Server allows.
finding-upload_too_large-next-raise = Raise client_max_body_size in the server or location that handles { $path } (e.g. client_max_body_size 100m;), then nginx -t and reload.
ev-nginx-body-limit-set = { $server } { $location } (at { $at }): client_max_body_size { $value } (set at { $set })
ev-nginx-body-limit-default = { $server } { $location } (at { $at }): client_max_body_size { $value } (nginx's default)
ev-nginx-body-limit-server = { $server }: no location serves { $path }; the server-level client_max_body_size applies

## storage.rs: the Document Server's downloads and callbacks, from its log

ev-ds-host-unnamed = an unnamed host
ev-ds-what-ipfilter = ipfilter error code { $code }
ev-ds-what-private-ip = private IP address
ev-ds-what-error = error
ev-ds-docs-none = document ids not logged
ev-ds-docs-one = 1 document
ev-ds-docs-many = { $n } documents
ev-ds-when-at = at { $time }
ev-ds-when-range = first { $first }, last { $last }
ev-ds-when-none = times not logged
ev-ds-downloads-one = { $host }: { $what } on 1 download ({ $docs }), { $when }; latest: { $latest }
ev-ds-downloads-many = { $host }: { $what } on { $n } downloads ({ $docs }), { $when }; latest: { $latest }
ev-ds-callbacks-one = { $host }: { $what } on 1 callback ({ $docs }), { $when }; latest: { $latest }
ev-ds-callbacks-many = { $host }: { $what } on { $n } callbacks ({ $docs }), { $when }; latest: { $latest }
ev-ds-headline = { $what }, { $docs }

finding-storage_denied-logs-title = The storage { $host } refuses the Document Server's downloads ({ $headline })
finding-storage_denied-logs-why = The Document Server downloads each document from the integrator's storage before it opens or converts it; a 401/403/404 there means users see 'Download failed' while every probe of the chain passes.
finding-storage_denied-logs-next-express = The answer came from a Document Server (x-powered-by: Express): the storage name of { $host } resolves to the Document Server itself (a shared name, /etc/hosts, a container's DNS). Make that name resolve to the integrator from the Document Server's host, or give the integrator an internal storage address (Nextcloud: StorageUrl).
finding-storage_denied-logs-next-404 = The URL does not exist on { $host }: check the integrator's storage address (Nextcloud: StorageUrl / overwrite.cli.url) and that the path is served there (curl -sI URL from the Document Server's host).
finding-storage_denied-logs-next-jwt = { $host } refuses the Document Server's download: usually the integrator rejects its JWT. The Document Server signs downloads with services.CoAuthoring.secret.outbox.string; make it equal to the integrator's secret (Nextcloud: occ config:app:get onlyoffice jwt_secret).

finding-storage_unreachable-logs-title = The Document Server cannot reach the storage { $host } ({ $headline })
finding-storage_unreachable-logs-why = Documents are downloaded from the integrator's storage before they open; when the storage refuses, does not resolve, is unreachable or does not answer in time as the Document Server sees it, users see 'Download failed' while every probe of the chain passes.
finding-storage_unreachable-logs-next-refused = Nothing accepts connections at { $host } as the Document Server sees it: check the integrator's web server and the port in its storage address (curl -sv URL from the Document Server's host, inside the container for Docker).
finding-storage_unreachable-logs-next-dns = The name of { $host } does not resolve on the Document Server's host: getent hosts NAME there (inside the container for Docker), fix DNS or /etc/hosts, or give the integrator a storage address that resolves.
finding-storage_unreachable-logs-next-route = No route from the Document Server to { $host }: check its address, the routes and any firewall between them (ip route get ADDRESS).
finding-storage_unreachable-logs-next-5xx = { $host } answers the download with a server error: read the integrator's web server and PHP logs at those times.
finding-storage_unreachable-logs-next-timeout = { $host } does not answer within the converter's timeout (FileConverter.converter.downloadTimeout): check for a firewall dropping packets between them and for a slow storage (time curl -so /dev/null URL from the Document Server's host).

finding-private_ip_blocked-logs-title-ipfilter = The Document Server's own ip filter denies { $host } ({ $headline })
finding-private_ip_blocked-logs-title-private = The Document Server refuses the private address of { $host } ({ $headline })
finding-private_ip_blocked-logs-why = The Document Server's request filter refuses private, loopback and link-local addresses unless allowPrivateIPAddress is true ('is not allowed. Because, It is private IP address'), and its ip filter (services.CoAuthoring.ipfilter.rules) can deny hosts too ('checkIpFilter error'): the download or callback never leaves the Document Server.
finding-private_ip_blocked-logs-next-ipfilter = A deny rule in services.CoAuthoring.ipfilter.rules (local.json) matches { $host }: add an allowing rule for it before that deny (the first matching rule wins), then restart ds-converter and ds-docservice.
finding-private_ip_blocked-logs-next-private = Set services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress = true in local.json (Docker: ALLOW_PRIVATE_IP_ADDRESS=true) and restart ds-converter and ds-docservice, or give the integrator a storage address with a public name.

finding-document_too_large-title = A document from { $host } is larger than the Document Server accepts ({ $headline })
finding-document_too_large-why = The converter stops a download that exceeds FileConverter.converter.maxDownloadBytes (EMSGSIZE, conversion error -10): the document does not open, whatever the chain's state.
finding-document_too_large-next-raise = Raise FileConverter.converter.maxDownloadBytes in local.json above the document's size (and nginx's client_max_body_size for uploads), then restart ds-converter.
ev-ds-max-download-set = FileConverter.converter.maxDownloadBytes is { $bytes } bytes ({ $mib } MiB, from { $file })
ev-ds-max-download-default = FileConverter.converter.maxDownloadBytes is not set: the default { $bytes } bytes (100 MiB) applies
ev-ds-max-download-unknown = the configured maxDownloadBytes is unknown: { $problems }

finding-tls_problem-logs-title = The Document Server refuses the certificate of the storage { $host } ({ $headline })
finding-tls_problem-logs-why = The Document Server verifies the storage's certificate when it downloads a document; a self-signed, expired, wrong-name or unverifiable certificate fails every download while the chain itself is green.
finding-tls_problem-logs-next-expired = The certificate of { $host } has expired: renew it on the storage.
finding-tls_problem-logs-next-name = The certificate of { $host } does not name the host the Document Server asked for: use the name on the certificate in the integrator's storage address, or reissue the certificate with that name.
finding-tls_problem-logs-next-trust = { $host } presents a certificate the Document Server does not trust ({ $what }): use a certificate from a trusted CA, or add its CA to the Document Server's trust store (stopgap only: services.CoAuthoring.requestDefaults.rejectUnauthorized = false).

finding-callback_failed-title = The Document Server cannot post saved documents back to { $host } ({ $headline })
finding-callback_failed-why = After editing, the Document Server posts the result to the integrator's callback URL; when that post fails (refused, timed out, 4xx/5xx), the changes are not saved ('The document could not be saved') while the chain is green.
finding-callback_failed-next-4xx = { $host } rejects the callback ({ $what }): check the integrator's JWT secret against services.CoAuthoring.secret.outbox.string and that the callback URL it hands out is right.
finding-callback_failed-next-5xx = The integrator at { $host } fails while handling the callback: read its web server and application logs at those times.

finding-callback_redirect-logs-title = The callback URL { $host } answers with a redirect ({ $headline })
finding-callback_redirect-logs-why = The Document Server does not follow redirects for its callback POSTs: a 301/302 (often http → https) means changes are never saved ('postData error ... statusCode:301').
finding-callback_redirect-logs-next-final = Give the integrator the final URL (https) as its callback/storage address (Nextcloud: StorageUrl / overwrite.cli.url; Seafile: SERVICE_URL).

walk-storage-ds-download-from = Document Server download from { $host }
walk-storage-ds-callback-to = Document Server callback to { $host }
walk-storage-ds-failures = { $n } failed since its last start ({ $docs }, { $when }); last error: { $last }

## integration.rs: the integration report, the JWT sides, clocks

finding-jwt_mismatch-hops-title = The JWT secrets of the Document Server and the integrator differ
finding-jwt_mismatch-hops-why = The Document Server rejects tokens that are not signed with its own secret (command service error 6, checkJwt errors): editors fail to open with 'Document Server is not available' or download errors.
finding-jwt_mismatch-hops-next-compare = Compare services.CoAuthoring.secret.inbox.string in /etc/onlyoffice/documentserver/local.json with the integrator's secret (Nextcloud: occ config:app:get onlyoffice jwt_secret).
finding-jwt_mismatch-hops-next-same = Set the same secret on both sides, then restart ds-docservice (and ds-converter).
ev-jwt-fingerprint-none = none
ev-jwt-fingerprint-unknown = unknown
ev-jwt-probe-token = token signed with the { $source } secret, fingerprint { $fp }; the Document Server's local.json secret has fingerprint { $ds }
ev-jwt-probe-token-unread = token signed with the { $source } secret, fingerprint { $fp }; the Document Server's secret could not be read

finding-jwt_mismatch-report-title-secrets = JWT secrets differ: Document Server { $ds } vs { $name }'s { $fp }
finding-jwt_mismatch-report-title-settings = JWT settings of the Document Server and { $name } differ
finding-jwt_mismatch-report-title-rejected = The Document Server rejects the probe's token
finding-jwt_mismatch-report-why = The Document Server accepts only tokens signed with its own secret, in the header it expects; { $name } signs with its own settings, so its requests are rejected (command service error 6, 'checkJwt error' in docservice/out.log) and editors fail with 'Document Server is not available' or download errors.
finding-jwt_mismatch-report-next-verdict = Verdict: { $verdict }.
finding-jwt_mismatch-report-next-compare = Compare services.CoAuthoring.secret.inbox.string (and token.inbox.header) in local.json, or JWT_SECRET/JWT_HEADER of the container, with the integrator's settings.
finding-jwt_mismatch-report-next-equal = Make both equal, then restart ds-docservice and ds-converter (or the container) and reload the integrator.
ev-jwt-docserver-secret = the Document Server's secret has fingerprint { $fp } (from { $sources })
ev-jwt-sources-none = nowhere readable
ev-jwt-integrator-secret = { $name }'s secret has fingerprint { $fp } (from { $source })
ev-jwt-source-none = nowhere
ev-jwt-command-docserver = token signed with the Document Server's secret (fp { $fp }): { $detail }
ev-jwt-command-integrator = token signed with { $name }'s secret (fp { $fp }): { $detail }
ev-jwt-command-both = token signed with the shared secret (fp { $fp }): { $detail }
ev-jwt-command-none = token signed with no secret (fp { $fp }): { $detail }
ev-jwt-verdict = verdict: { $verdict }

finding-clock_skew-title = Clocks disagree: tokens are seen as expired
finding-clock_skew-title-by = Clocks disagree by { $secs } s: tokens are seen as expired
finding-clock_skew-why = JWTs carry issue and expiry times; when the Document Server's and the integrator's clocks differ by minutes, valid tokens are rejected as expired (error 7).
finding-clock_skew-next-ntp = Check timedatectl / chronyc tracking on both machines and enable NTP.
ev-clock-date-off = the server's Date header is { $secs } s off this box's clock
ev-clock-date-ahead = the Document Server's Date header is { $secs } s ahead of this box's clock
ev-clock-date-behind = the Document Server's Date header is { $secs } s behind this box's clock
ev-clock-token-expired = a freshly signed token was answered with error 7 (token expired)

ev-storage-check = { $url } ({ $purpose }), checked from { $from }: { $reason }

finding-callback_redirect-report-title = Storage/callback URL redirects (http → https breaks callbacks)
finding-callback_redirect-report-why = The Document Server does not follow redirects for its downloads and callback POSTs: a 301/302 from http to https means documents do not open or changes are never saved ('postData error ... statusCode:301').
finding-callback_redirect-report-next-final = Give the integrator the final URL (https) as its storage/callback address (Nextcloud: StorageUrl / overwrite.cli.url; Seafile: SERVICE_URL).
finding-callback_redirect-report-next-internal = Or let the internal http address answer without redirecting.

finding-tls_problem-report-title = The storage's certificate is not trusted
finding-tls_problem-report-why = The Document Server verifies the storage's certificate when downloading and posting callbacks; a self-signed or untrusted certificate makes it fail ('DEPTH_ZERO_SELF_SIGNED_CERT', 'self signed certificate').
finding-tls_problem-report-next-ca = Use a certificate from a trusted CA on the storage, or add its CA to the Document Server's trust store.
finding-tls_problem-report-next-stopgap = As a stopgap only: services.CoAuthoring.requestDefaults.rejectUnauthorized = false in local.json (and the integrator's 'verify_peer_off').

finding-private_ip_blocked-report-title = Storage URL resolves to a private address the Document Server blocks
finding-private_ip_blocked-report-why = The Document Server's request filter refuses private, loopback and link-local addresses unless allowPrivateIPAddress is true ('is not allowed. Because, It is private IP address' in docservice/out.log).
finding-private_ip_blocked-report-next-allow = Set services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress = true in local.json and restart ds-docservice (and set [integration] allow_private_ip = true here).
finding-private_ip_blocked-report-next-public = Or give the integrator a storage URL with a public name.

finding-storage_unreachable-report-title = The Document Server cannot reach the integrator's storage
finding-storage_unreachable-report-why = Documents are downloaded from, and changes posted back to, the integrator's URLs; when they refuse, time out or do not resolve, documents do not open ('error downloadFile ... ECONNREFUSED/ESOCKETTIMEDOUT') or are not saved.
finding-storage_unreachable-report-next-container = Inside the Document Server's container, 127.0.0.1/localhost is the container itself: give the integrator a storage address the container can reach (the host's address, or the integrator's service name on a shared Docker network).
finding-storage_unreachable-report-next-curl = curl -sv the URL from the Document Server's host (inside the container for Docker: docker exec … curl -sv URL).
finding-storage_unreachable-report-next-check = Check the integrator's web server, its firewall, and the name's DNS as the Document Server sees it.

finding-storage_denied-report-title = The integrator's storage refuses the download (HTTP 4xx)
finding-storage_denied-report-why = The Document Server downloads each document from the integrator's storage URL; a 401/403/404 there fails the download ('error downloadFile ... statusCode:403'). This box asked without the integrator's signed link, so the answer shows the URL is guarded or wrong, not yet that the Document Server's own requests fail.
finding-storage_denied-report-next-status = For 401/403: the integrator checks the Document Server's JWT — make services.CoAuthoring.secret.outbox.string equal to the integrator's secret. For 404: check the storage address (Nextcloud: StorageUrl / overwrite.cli.url). An answer with x-powered-by: Express came from a Document Server: the storage name resolves to it.

finding-forwarded_headers_missing-title = The proxy in front of the Document Server does not pass { $headers }
finding-forwarded_headers_missing-why = The Document Server builds its public links from Host, X-Forwarded-Proto and X-Forwarded-Host, and the editor needs a websocket (Upgrade/Connection): without them links point to http:// or an internal name and editors hang while loading.
finding-forwarded_headers_missing-next-add = In each listed location add: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade (or "upgrade"); proxy_set_header Host $host; proxy_set_header X-Forwarded-Host $host; proxy_set_header X-Forwarded-Proto $scheme;
finding-forwarded_headers_missing-next-inherit = Remember that any proxy_set_header in a location replaces all inherited ones. Then nginx -t and reload.

finding-mixed_content-title = https integrator uses an http Document Server URL (mixed content)
finding-mixed_content-why = Browsers block http scripts and websockets on an https page: the editor's api.js never loads ('Mixed Content' in the browser console).
finding-mixed_content-next-https = Serve the Document Server over https (behind the same proxy) and set the integrator's Document Server URL to the https address.
ev-mixed-content-urls = integrator at { $integrator } points the browser at { $docserver } (from { $source })

finding-secure_link_mismatch-title = nginx's secure-link secret ({ $at }) differs from the Document Server's storage.fs.secretString
finding-secure_link_mismatch-why = The Document Server signs the links to converted documents under /cache/files with storage.fs.secretString; nginx checks them with $secure_link_secret. When the two differ, nginx answers 403 to every such link: documents do not open ('Download failed') while every probe is green.
finding-secure_link_mismatch-next-equal = Make both equal: documentserver-update-securelink.sh (shipped with the Document Server) sets a new secret on both sides and restarts the services; or copy storage.fs.secretString into the nginx site's `set $secure_link_secret` by hand.
finding-secure_link_mismatch-next-restart = Then nginx -t, reload nginx, and restart ds-docservice and ds-converter.
ev-secure-link-nginx = { $variable } at { $at } has fingerprint { $fp }
ev-secure-link-docserver = storage.fs.secretString of the Document Server has fingerprint { $fp } (from { $sources })

# The walkthrough's "integration and auth" step.
walk-integration-jwt-compare = JWT { $what }: Document Server vs { $name }
walk-integration-command-secrets = command service with each secret ({ $url })
walk-integration-command-no-url = no URL
walk-integration-clock-skew = clock skew against the Document Server
walk-integration-clock-skew-date = Date header { $secs } s from this box's clock
walk-integration-storage = storage { $url }
walk-integration-storage-from = { $reason } (from { $from })
walk-integration-cors-preflight = CORS preflight { $url } from { $origin }
walk-integration-forwarded-headers = forwarded headers
walk-integration-forwarded-headers-none = no nginx location proxies to the Document Server's port
walk-integration-forwarded-headers-location = forwarded headers { $server } { $location }
walk-integration-forwarded-headers-all = all passed ({ $at })
walk-integration-forwarded-headers-missing = missing { $missing } ({ $at })
walk-integration-mixed-content = mixed content
