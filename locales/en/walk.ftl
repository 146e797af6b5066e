# The runbook walkthrough, the why-chain, hop reasons (diagnose/{walk,why,mod}.rs, probe/).
# See locales/GLOSSARY.md.

## Connection failures (probe/errors.rs).
hop-connect-refused = connection refused by { $addr }: nothing listens there (service down? wrong port?) or a REJECT rule
hop-connect-timeout = connect to { $addr } timed out: no answer (firewall DROP? host down?)
hop-connect-unreachable = no route to { $addr } ({ $detail }): routing or host down
hop-connect-denied = permission denied connecting to { $addr }: local policy (firewall, SELinux) forbids it
hop-connect-reset = connection to { $addr } was reset ({ $detail })
hop-connect-dns = cannot resolve { $addr }: { $detail }
hop-connect-tls = TLS with { $addr } failed: { $detail }
hop-connect-protocol = { $addr } did not speak the expected protocol: { $detail }
hop-connect-other = cannot connect to { $addr }: { $detail }

## Certificates in plain words, a hop's CA file (probe/certs.rs).
cert-ca-file-hint = an internal CA? give the hop its certificate: ca_file = "/etc/ssl/private-ca.pem"
cert-none-presented = the server presented no certificate
cert-check-failed = certificate check failed: { $error }
cert-self-signed = self-signed certificate (not issued by a CA this box trusts)
cert-unknown-issuer = issued by a CA this box does not trust
cert-bad-encoding = the certificate cannot be parsed
cert-expired = the certificate has expired
cert-expired-at = the certificate expired { $at } (now { $now })
cert-not-valid-yet = the certificate is not valid yet (or this box's clock is behind)
cert-not-valid-yet-from = the certificate is valid only from { $from } (now { $now }: or this box's clock is behind)
cert-revoked = the certificate has been revoked
cert-critical-extension = the certificate has a critical extension this box cannot check
cert-revocation-unknown = the certificate's revocation status is unknown
cert-revocation-list-expired = the revocation list has expired
cert-bad-signature = the certificate's signature does not verify
cert-bad-algorithm = the certificate is signed with an algorithm this box does not accept
cert-wrong-name = the certificate is not valid for this name
cert-wrong-name-for = the certificate is not valid for this name (it is for { $names })
cert-wrong-purpose = the certificate is not meant for a TLS server (extended key usage)
cert-bad-ocsp = the OCSP answer stapled by the server is invalid
cert-refused = the certificate was refused
cert-refused-because = the certificate was refused ({ $error })
cert-ca-used-as-server = self-signed certificate used as a server certificate (not issued by a CA this box trusts)
cert-server-used-as-ca = a server certificate is used as a CA in the chain
cert-constraint = the chain breaks a constraint of its CA
cert-ca-file-what = CA file
cert-ca-file-unreadable = CA file '{ $path }': { $error }
cert-ca-file-too-large = CA file '{ $path }' is larger than { $kib } KiB
cert-ca-file-not-pem = CA file '{ $path }' is not PEM: { $error }
cert-ca-file-empty = CA file '{ $path }' holds no certificate (expected -----BEGIN CERTIFICATE-----)

## The tls hop (probe/tls.rs).
hop-target-not-host-port = target '{ $target }' is not host:port
hop-tls-cert-unparsable = certificate cannot be parsed
hop-tls-trust-store = cannot load the system trust store: { $error }
hop-tls-ca-file-unusable = cannot use CA file '{ $path }': { $error }
hop-tls-bad-sni = '{ $sni }' is not a valid TLS server name
hop-tls-setup-failed = TLS setup failed: { $error }
hop-tls-handshake-failed = TLS handshake failed: { $error }
hop-tls-connect-timeout = connect to { $addr } timed out
hop-tls-not-tls = { $addr } does not speak TLS (plain HTTP on a TLS port? check the scheme in proxy_pass / the URL)
hop-tls-handshake-with-failed = TLS handshake with { $addr } failed: { $error }
hop-tls-no-cert = no certificate was presented
hop-tls-expired = certificate expired { $days } days ago
hop-tls-wrong-name = certificate is for { $names } — not { $sni }
hop-tls-untrusted = certificate not trusted by this box: { $why }
hop-tls-untrusted-hint = certificate not trusted by this box: { $why } — { $hint }
hop-tls-untrusted-ca-file = certificate not trusted by this box: { $why } — not issued by a CA of ca_file { $ca_file }
hop-tls-expires-soon = certificate expires in { $days } days
hop-tls-ok = { $version } ok, certificate for { $sni } valid { $days } more days
hop-tls-version-other = TLS version { $code }

## The tcp and dns hops, name resolution (probe/tcp.rs, probe/dns.rs).
hop-tcp-ok = { $addr } accepts connections ({ $ms } ms)
hop-tcp-timeout = connect to { $addr } timed out after { $secs } s: no answer (firewall DROP? host down?)
hop-tcp-no-address = { $target }: nothing to connect to
hop-resolve-timeout = cannot resolve { $host }: no answer from the resolver within { $secs } s (check the nameservers in /etc/resolv.conf)
hop-resolve-empty = { $host } resolves to no address
hop-resolve-failed = cannot resolve { $host }: { $error }
hop-dns-no-target = no target configured
hop-dns-ok = { $host } → { $addrs } in { $ms } ms
hop-dns-slow = { $host } → { $addrs } in { $ms } ms (slow resolver)
hop-dns-failed = cannot resolve { $host }: { $error } (check /etc/hosts, /etc/resolv.conf, the DNS record)

## The http, docserver-health and docserver-command hops (probe/http.rs).
hop-http-client-failed = cannot build HTTP client: { $error }
hop-http-client-ca-failed = cannot build HTTP client with CA file '{ $path }': { $error }
hop-no-answer = no answer from { $target } within { $secs } s (service hung, overloaded, or packets dropped)
hop-http-dns = cannot resolve the name of { $who }: { $error }
hop-http-untrusted = TLS with { $url } failed: certificate not trusted: { $why }
hop-http-untrusted-hint = TLS with { $url } failed: certificate not trusted: { $why } — { $hint }
hop-http-closed = { $url } closed the connection without an answer (crashed or reset)
hop-http-from-nginx = from nginx
hop-http-from-server = from the server
hop-http-502 = 502 Bad Gateway { $who }: nginx could not get an answer from { $upstream } (nothing listening, refused, or reset)
hop-http-503 = 503 Service Unavailable { $who }: { $upstream } is overloaded or in maintenance
hop-http-504 = 504 Gateway Timeout { $who }: { $upstream } did not answer in time (hung, slow, or a firewall drops packets)
hop-http-the-application = the application
hop-http-the-docserver = the Document Server
hop-http-the-command-service = the command service
hop-http-redirect = { $status } redirect to { $location } (expected { $want })
hop-http-unexpected = HTTP { $status } (expected { $want })
hop-http-body-lacks = HTTP { $status } but the body lacks { $expected }
hop-http-ok = HTTP { $status } in { $ms } ms
hop-health-status = healthcheck answered HTTP { $status } (expected 200 with true)
hop-health-true = healthcheck true in { $ms } ms
hop-health-false = healthcheck false: a dependency failed (database, RabbitMQ, Redis or storage; see docservice/out.log)
hop-health-odd = healthcheck answered { $answer }, not true/false: is this the Document Server?
hop-command-not-json = HTTP { $status }: not a command-service answer (expected JSON with "error")
hop-command-secret-config = the configured (integrator's) secret
hop-command-secret-local = the secret from local.json
hop-command-no-token = no token
hop-command-ok = command service answers, version { $version }
hop-command-token-rejected = token rejected (error 6): the Document Server does not accept { $secret }: JWT secrets differ
hop-command-token-expired = token expired (error 7): the clocks of this box and the Document Server differ
hop-command-error = command service error { $code } ({ $text })
hop-command-no-error-field = HTTP { $status }: answer has no "error" field
hop-slow = { $ok } — slow (over half the { $secs } s timeout)

## The websocket hop (probe/websocket.rs).
hop-ws-not-http = not an HTTP answer ({ $error })
hop-ws-send-failed = sending the upgrade request failed: { $error }
hop-ws-read-failed = reading the answer failed: { $error }
hop-ws-closed = the connection was closed before an answer came
hop-ws-head-too-long = no complete answer head in { $bytes } bytes
hop-ws-ok = WebSocket upgraded (101, Sec-WebSocket-Accept correct) in { $ms } ms
hop-ws-bad-accept = answered 101 but Sec-WebSocket-Accept is '{ $got }' (expected { $want }): not a WebSocket server, or something in between rewrites the handshake
hop-ws-no-accept = answered 101 but Sec-WebSocket-Accept is missing (expected { $want }): not a WebSocket server, or something in between rewrites the handshake
hop-ws-why-proxy = the proxy could not reach the upstream
hop-ws-why-not-passed = the upgrade did not reach the server: a proxy that does not pass Upgrade/Connection (or speaks HTTP/1.0 upstream)
hop-ws-why-none = no upgrade
hop-ws-no-101 = HTTP { $status } instead of 101 Switching Protocols: { $why }
hop-ws-no-101-from = HTTP { $status } from { $server } instead of 101 Switching Protocols: { $why }
hop-ws-no-address = { $host }: no address

## What a packet capture of a hop says (probe/capture.rs).
capture-unreadable = cannot read the capture { $path }: { $error }
capture-not-pcap = not a pcap file: { $error }
capture-sent = { $syn } SYN sent
capture-sent-retransmitted = { $syn } SYN sent ({ $retransmitted } retransmitted)
capture-no-syn = no SYN to { $target } seen in { $packets } packets: the attempts never reached the interface (a local OUTPUT rule dropping or rejecting them, or a wrong interface or address)
capture-syn-ack = { $sent }, { $count } SYN-ACK: the handshake completes, the network path is fine (look above TCP)
capture-rst = { $sent }, { $count } RST: refused at once (nothing listens there, or a REJECT with tcp-reset)
capture-icmp = { $sent }, { $count } ICMP unreachable: rejected on the way (a REJECT rule or no route)
capture-dropped = { $sent }, no SYN-ACK: dropped before the service

## A hop whose probe ran out of time (probe/mod.rs).
hop-timeout-dns = name resolution timed out after { $secs } s
hop-timeout-tls = no TLS handshake within { $secs } s (the server does not answer)
hop-timeout-tcp = timed out after { $secs } s: no answer to connect (firewall DROP? host down?)

## The guided walkthrough: the runbook's steps (diagnose/walk.rs).
walk-step-global = Global view
walk-step-network = Network and ports
walk-step-services = Service state
walk-step-integration = Integration and auth
walk-step-recovery = Recovery
walk-next-global-red = The first red hop from the user is { $hop }: follow the chain from there (step 2).
walk-next-global-green = The chain answers end to end: continue with integration and auth (step 4) if users still see errors.
walk-next-network-red = A port does not answer as it should: check the service behind it (step 3) and the firewall.
walk-next-network-green = Ports answer: check the services' state (step 3).
walk-next-services-red = A service is not running: see recovery (step 5).
walk-next-services-none = No services configured ([[service]] in the config): check the application's process by hand, then step 4.
walk-next-services-unknown = Service state unknown (not collected yet, or not readable): check by hand (systemctl / supervisorctl / docker), then step 4.
walk-next-services-green = Services run: look at integration and auth (step 4).
walk-next-integration-delivery = The Document Server's downloads or callbacks fail (its own log says so, whatever the probes show): see the storage and callback findings, then the recovery (step 5).
walk-next-integration = Then apply the recovery (step 5).
walk-recovery-label = { $id } ({ $confidence } confidence)
walk-recovery-action = { $title } → action { $action }
walk-next-recovery-run = Run { $action }, then watch the chain turn green (targets: diagnosis ≤ 5 min, mitigation ≤ 15 min).
walk-next-recovery-manual = { $step } (no automatic action for { $id }).
walk-next-recovery-clear = All clear: nothing to recover.
walk-next-recovery-unknown = No root cause found: read the error log pane and the hop details.

## Findings as text, shared evidence, causes before consequences (diagnose/mod.rs).
diag-confidence-low = low
diag-confidence-medium = medium
diag-confidence-high = high
diag-text-why = why: { $text }
diag-text-next = next: { $text }
diag-text-action = action: { $action }
diag-ev-log-one = 1 { $class } entry recently, latest: { $latest }
diag-ev-log-many = { $count } { $class } entries recently, latest: { $latest }
diag-ev-capture = { $verdict } (captured { $at })
finding-hop_failing-title = { $hop } fails: { $reason }
finding-hop_failing-why = No rule matched this failure; its reason is the best lead.
finding-hop_failing-next = Look at the { $hop } hop's detail (Enter in the console).
diag-first-proxy_config_invalid-proxy_down = Fix nginx's configuration first (see proxy_config_invalid): nginx does not start while `nginx -t` fails, so a restart now would fail too.
diag-first-ds_config_invalid-service_crash_loop = Fix the settings file first (see ds_config_invalid): the Document Server exits while it does not parse.
diag-first-ds_config_invalid-service_down = Fix the settings file first (see ds_config_invalid): the Document Server does not start while it does not parse, so a restart now would fail too.
diag-first-port_taken-service_crash_loop = Free the port first (see port_taken): the Document Server exits while another program holds it.
diag-first-port_taken-service_down = Free the port first (see port_taken): a restart fails while another program holds it.
diag-first-service_crash_loop-service_down = It keeps exiting (see service_crash_loop): a restart repeats the same exit until its cause is fixed.
diag-first-database_error-dependency_down = PostgreSQL answers but refuses the queries (see database_error): fix that first; restarting a dependency does not.
diag-no-action = No { $verb } offered: no service manager here knows { $name } ({ $detail }).

## Why the Document Server is down when a restart cannot fix it (diagnose/rules/why.rs).
finding-port_taken-holder = { $name } (pid { $pid }) on { $addr }:{ $port }
finding-port_taken-ev-held = TCP port { $port } is held by { $holders }, not by { $name }
finding-port_taken-ev-server = { $fact } (Server: { $server })
finding-port_taken-owner-unknown = another program (owner not known)
finding-port_taken-next-free = Stop or move { $owner } off port { $port }: it is not the Document Server. Then start { $name }.
finding-port_taken-next-find = Find who holds it (as root): ss -ltnp 'sport = :{ $port }'
finding-port_taken-next-move = If that program must stay, move { $name } to another port and nginx's upstream with it.
finding-port_taken-title = Port { $port } of { $name } is taken by { $owner }
finding-port_taken-why = Another program listens on the Document Server's port: the Document Server cannot bind it (listen EADDRINUSE) and exits, and whatever answers there is not the Document Server. Restarting it fails the same way while the port is held.
finding-tail-its-output = its output
finding-tail-last-output = last output: { $lines }
finding-ds_config_invalid-ev-parse = { $file } does not parse: { $error }
finding-ds_config_invalid-ev-unconfirmed = not confirmed here: { $why }
finding-ds_config_invalid-the-docserver = the Document Server
finding-ds_config_invalid-eof = end of file
finding-ds_config_invalid-title = { $file } does not parse at line { $line } column { $column } (at { $at }): { $service } cannot start
finding-ds_config_invalid-next-fix = Fix { $file }:{ $line }:{ $column } ({ $message }); check the whole file with: python3 -m json.tool { $file }
finding-ds_config_invalid-title-exits = { $service } exits: its settings file does not parse (Cannot parse config file)
finding-ds_config_invalid-next-fix-named = Fix the file named in the line above; check it with: python3 -m json.tool FILE
finding-ds_config_invalid-why = The Document Server reads local.json over default.json when it starts and exits when one does not parse (Cannot parse config file). No restart can work until the file parses.
finding-ds_config_invalid-next-start = Then start { $service } (a restart before that fails the same way).
finding-ds_config_invalid-title-next-restart = { $title } — the next restart will fail
finding-service_crash_loop-how-fatal = supervisor FATAL: { $detail } (gave up)
finding-service_crash_loop-how-limit = systemd start-limit-hit after { $restarts } restarts ({ $detail })
finding-service_crash_loop-how-failed = systemd failed after NRestarts={ $restarts }
finding-service_crash_loop-ev = { $name } keeps exiting: { $how }
finding-service_crash_loop-ev-source = its last output: { $source }
finding-service_crash_loop-read-supervisor = supervisorctl tail { $unit } stderr (or its err.log under /var/log/onlyoffice/documentserver/)
finding-service_crash_loop-title = { $name } keeps exiting: { $reason }
finding-service_crash_loop-title-how = { $name } keeps exiting ({ $how })
finding-service_crash_loop-why = The service starts and exits again at once; its manager retries and then gives up. A restart repeats the same exit: the reason is in what it wrote last (stderr, err.log, the journal).
finding-service_crash_loop-next-read = Read why it exits: { $command }.
finding-service_crash_loop-next-start = Fix that cause first, then start it again: { $command }
