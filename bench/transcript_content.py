"""The words of bench/gen_task.py's transcripts: what the agent's tools print, and what the user and the
assistant write. Every function takes the transcript's generator `g` (gen_task.Gen: its random helpers
and clock); those that write a message's text take the `budget` of bytes to write, and stop at the
first line that reaches it. Nothing here matches taskshare's credential rules (see gen_task.py)."""
from datetime import timedelta

APP = "shop.acme-retail.example"
HOSTS = ["shop.acme-retail.example", "api.acme-retail.example", "cdn.acme-retail.example",
         "admin.acme-retail.example", "198.51.100.23", "198.51.100.24", "203.0.113.10"]
PATHS = ["/api/v1/orders", "/api/v1/users/me", "/api/v1/cart/items", "/api/v2/invoices", "/admin/login",
         "/api/v1/products/search", "/static/app.js", "/api/v1/export", "/graphql", "/healthz",
         "/api/v1/coupons/redeem", "/account/settings", "/api/internal/metrics", "/uploads/avatar"]
FILES = ["app/routes/orders.py", "app/routes/users.py", "app/models/invoice.py", "app/auth/session.py",
         "web/src/api/client.ts", "web/src/pages/Checkout.tsx", "deploy/nginx/site.conf",
         "app/services/export.py", "app/routes/coupons.py", "requirements.txt", "docker-compose.yml"]
ORDERS = ['{"id": %d, "customer": "user%s@example.com", "total_cents": %d, "currency": "EUR", '
          '"status": "%s"}' % o
          for o in [(10423, "17", 4599, "shipped"), (10424, "17", 1250, "paid"),
                    (10431, "52", 18900, "refunded"), (10447, "08", 7420, "pending"),
                    (10452, "52", 3300, "shipped")]]
# ffuf's hits: word, status, size, words, lines (the duration varies).
FFUF_HITS = [("admin", 302, 0, 1, 1), ("api", 301, 169, 5, 8), ("backup", 403, 153, 3, 7),
             ("config", 403, 153, 3, 7), ("export", 405, 31, 2, 1), ("graphql", 400, 52, 4, 1),
             ("login", 200, 4711, 392, 88),
             ("metrics", 200, 8812, 611, 240), ("server-status", 403, 153, 3, 7), ("static", 301, 169, 5, 8),
             ("swagger", 200, 3121, 154, 61), ("uploads", 301, 169, 5, 8), (".git/HEAD", 200, 23, 2, 2)]
SEVERITIES = ["critical", "high", "medium", "low", "informational"]


def fill(budget, head, line_source, tail=()):
    """`head`, then lines from line_source() while the text is under `budget` bytes, then `tail`."""
    lines = list(head)
    size = sum(len(x) + 1 for x in lines) + sum(len(x) + 1 for x in tail)
    while size < budget:
        line = line_source()
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines + list(tail))



# ---- the tools: each makes a call (its input) and the output it printed ----

def nmap(g):
    host = g.host()
    cmd = f"nmap -sV -Pn --top-ports 1000 --min-rate 1500 {host}"

    def out(budget):
        services = [("22/tcp", "ssh", "OpenSSH 9.2p1 Debian 2+deb12u3 (protocol 2.0)"),
                    ("80/tcp", "http", "nginx 1.22.1"), ("443/tcp", "ssl/http", "nginx 1.22.1"),
                    ("5432/tcp", "postgresql", "PostgreSQL DB 15.8"), ("6379/tcp", "redis", "Redis 7.0.15"),
                    ("8080/tcp", "http-proxy", "Gunicorn 21.2.0"), ("9100/tcp", "jetdirect?", ""),
                    ("3000/tcp", "http", "Node.js Express framework")]
        head = [f"Starting Nmap 7.93 ( https://nmap.org ) at 2026-11-20 10:{g.between(10, 59)} UTC",
                f"Nmap scan report for {host}", f"Host is up (0.0{g.between(11, 98)}s latency).",
                f"Not shown: {g.between(990, 996)} filtered tcp ports (no-response)",
                "PORT      STATE SERVICE    VERSION"]
        deal = g.deck(services)
        tail = ["", "Service detection performed. "
                "Please report any incorrect results at https://nmap.org/submit/ ."]
        return fill(budget, head, lambda: "%-9s open  %-10s %s" % deal(), tail)
    return "shell", {"command": cmd}, out


def http_probe(g):
    host, path = g.host(), g.path()
    method = g.pick(["GET", "GET", "POST", "OPTIONS"])
    call = {"method": method, "url": f"https://{host}{path}", "headers": {"Accept": "application/json"}}

    def out(budget):
        status = g.pick(["200 OK", "200 OK", "200 OK", "403 Forbidden", "404 Not Found",
                         "500 Internal Server Error"])
        head = [f"HTTP/1.1 {status}", "Server: nginx/1.22.1",
                g.clock.strftime("Date: %a, %d %b %Y %H:%M:%S GMT"),
                "Content-Type: application/json; charset=utf-8",
                "Strict-Transport-Security: max-age=31536000", ""]
        if not status.startswith("200"):
            return "\n".join(head + ['{"error": "%s"}' % status.split(" ", 1)[1].lower()])

        deal = g.deck(ORDERS)
        return fill(budget, head + ['{"orders": ['], lambda: "  " + deal() + ",", ["  " + deal(), "]}"])

    return "http_request", call, out


def dirscan(g):
    host = g.host()
    cmd = f"ffuf -u https://{host}/FUZZ -w /usr/share/wordlists/dirb/common.txt -mc 200,204,301,302,403 -t 40"

    def out(budget):
        head = [":: Method : GET", f":: URL    : https://{host}/FUZZ", ":: Threads: 40", ""]
        deal = g.deck(FFUF_HITS)
        row = "%-16s [Status: %d, Size: %d, Words: %d, Lines: %d, Duration: %dms]"
        return fill(budget, head, lambda: row % (deal() + (g.between(8, 90),)))
    return "shell", {"command": cmd}, out


def grep_source(g):
    pattern = g.pick(["request.args\\[", "execute\\(f\"", "verify=False", "pickle.loads",
                      "render_template_string", "subprocess.*shell=True", "user_id ==", "innerHTML"])
    cmd = f"rg -n --no-heading '{pattern}' app/ web/src/"

    def out(budget):
        snippets = [
            ("app/routes/orders.py", 42, "    order = Order.query.get(request.args['id'])"),
            ("app/models/invoice.py", 118,
             "    cur.execute(f\"SELECT * FROM invoices WHERE number = '{number}'\")"),
            ("app/services/export.py", 27, "    resp = requests.get(url, timeout=5, verify=False)"),
            ("app/auth/session.py", 64, "    data = pickle.loads(base64.b64decode(blob))"),
            ("app/routes/users.py", 203, "    return render_template_string(request.form['template'])"),
            ("app/services/export.py", 88,
             "    subprocess.run(f\"convert {src} {dst}\", shell=True, check=True)"),
            ("app/routes/orders.py", 97,
             "    if invoice.user_id == current_user.id or current_user.is_staff:"),
            ("web/src/pages/Checkout.tsx", 151,
             "    el.innerHTML = `<b>${review.author}</b> ${review.body}`;")]
        deal = g.deck(snippets)
        return fill(budget, [], lambda: "%s:%d:%s" % deal())
    return "shell", {"command": cmd}, out


def read_file(g):
    name = g.pick(FILES[:6] + FILES[7:9])

    def out(budget):
        body = ["@bp.route(\"/api/v1/orders/<int:order_id>\", methods=[\"GET\"])", "@login_required",
                "def get_order(order_id):", "    order = Order.query.get_or_404(order_id)",
                "    # TODO: check the order belongs to the caller", "    return jsonify(order.to_dict())",
                "",
                "@bp.route(\"/api/v1/export\", methods=[\"POST\"])", "def export_orders():",
                "    fmt = request.json.get(\"format\", \"csv\")",
                "    path = os.path.join(EXPORT_DIR, request.json[\"name\"])",
                "    write_export(path, fmt, Order.query.filter_by(user_id=g.user.id))",
                "    return send_file(path, as_attachment=True)", ""]
        start = g.between(0, len(body) - 1)
        k = [start]

        def line():
            n = k[0]
            k[0] += 1
            return "%4d  %s" % (n + 1, body[n % len(body)])
        return fill(budget, [], line)
    return "read_file", {"path": name}, out


def dependency_audit(g):
    cmd = g.pick(["pip-audit -r requirements.txt",
                  "npm audit --omit=dev --json | jq '.vulnerabilities | keys'"])

    def out(budget):
        pkgs = [("jinja2", "3.1.2", "CVE-2024-22195", "3.1.3"),
                ("werkzeug", "2.3.6", "CVE-2023-46136", "3.0.1"),
                ("requests", "2.31.0", "CVE-2024-35195", "2.32.0"),
                ("urllib3", "1.26.15", "CVE-2023-43804", "1.26.17"),
                ("pillow", "9.5.0", "CVE-2023-44271", "10.0.1"),
                ("cryptography", "41.0.1", "CVE-2023-38325", "41.0.2"),
                ("axios", "1.5.0", "CVE-2023-45857", "1.6.0"), ("semver", "7.5.1", "CVE-2022-25883", "7.5.2")]
        head = ["Name          Version  ID              Fix Versions",
                "------------  -------  --------------  ------------"]
        deal = g.deck(pkgs)
        return fill(budget, head, lambda: "%-13s %-8s %-15s %s" % deal())
    return "shell", {"command": cmd}, out


def tls_check(g):
    host = g.pick(HOSTS[:4])
    cmd = f"testssl.sh --quiet --protocols --server-defaults {host}:443"

    def out(budget):
        rows = ["SSLv2      not offered (OK)", "SSLv3      not offered (OK)",
                "TLS 1      offered (deprecated)", "TLS 1.1    offered (deprecated)",
                "TLS 1.2    offered (OK)",
                "TLS 1.3    offered (OK): final",
                "Certificate Validity (UTC)   expires < 30 days (2026-12-14 23:59)",
                "Server Certificate #1 SAN    shop.acme-retail.example www.acme-retail.example",
                "OCSP stapling                not offered", "HSTS                         365 days",
                "Cipher order                 server", "Secure Renegotiation         supported (OK)"]
        deal = g.deck(rows)
        head = [f"Testing protocols via sockets except NPN+ALPN on {host}:443", ""]
        return fill(budget, head, lambda: " " + deal())
    return "shell", {"command": cmd}, out


def sqlmap(g):
    path = g.pick(["/api/v1/products/search?q=shoe", "/api/v2/invoices?number=INV-1042",
                   "/api/v1/orders?sort=date"])
    cmd = f"sqlmap -u 'https://{APP}{path}' --batch --level 2 --risk 1 --technique BT"

    def out(budget):
        rows = ["[INFO] testing connection to the target URL",
                "[INFO] testing if the target URL content is stable",
                "[INFO] heuristic (basic) test shows that GET parameter might be injectable "
                "(possible DBMS: 'PostgreSQL')",
                "[INFO] testing 'AND boolean-based blind - WHERE or HAVING clause'",
                "[INFO] GET parameter appears to be 'AND boolean-based blind' injectable "
                "(with --string=\"results\")",
                "[INFO] testing 'PostgreSQL > 8.1 AND time-based blind'",
                "[WARNING] time-based comparison requires larger statistical model, please wait",
                "[INFO] the back-end DBMS is PostgreSQL", "back-end DBMS: PostgreSQL"]
        deal = g.deck(rows)
        t = [g.clock]

        def line():
            t[0] += timedelta(seconds=g.between(0, 3))
            return t[0].strftime("[%H:%M:%S] ") + deal()
        return fill(budget, [], line)
    return "shell", {"command": cmd}, out


# Each tool with the number of rounds an agent spends on it at a time: probing endpoints or reading
# code takes many similar rounds, a scan or an audit a few.
TOOLS = [(http_probe, 8, 14), (http_probe, 8, 14), (grep_source, 6, 10), (read_file, 6, 10), (dirscan, 3, 6),
         (nmap, 2, 4), (dependency_audit, 1, 3), (tls_check, 1, 3), (sqlmap, 3, 6)]


# ---- what the user and the assistant write ----

def scope(g, budget):
    head = [f"Assess **{APP}** and its API before Friday's release: hosts `{APP}`, "
            "`api.acme-retail.example`, `admin.acme-retail.example`, and the source in `app/` and `web/`."]
    extra = g.deck(["- Also the mobile API under `/api/v2`.", "- Also the staff tools on the admin host.",
                    "- Also the export and import jobs.", "- Also the CDN's cache rules, read only."])
    tail = ["", "Out of scope: denial of service. Stay under 20 requests/s; report severity, evidence and a "
            "fix."]
    return fill(budget, head, extra, tail)


def follow_up(g, budget):
    asks = g.deck([f"Does the same issue affect `{g.path()}`? Check before you move on.",
                   "Skip the CDN host, it is a third party.",
                   "Write up what you have so far as a table, most severe first.",
                   "Can you confirm that with a second account rather than from the code alone?",
                   "The dev team says the admin panel is behind the VPN; verify that from outside.",
                   "Please include the exact request in the evidence so they can reproduce it."])
    return fill(budget, [asks()], asks)


def plan(g, budget, tool, call):
    what = {"shell": "Run", "http_request": "Send", "read_file": "Read"}[tool]
    subject = call.get("command") or call.get("url") or call.get("path")
    openers = [f"The answer from `{g.path()}` suggests an object reference that the server does not check. "
               "Before reporting it I want the evidence from a second angle.",
               "Next I will look at the attack surface that the last step exposed: every host answered on "
               "more than the web ports, and the banners name exact versions.",
               "Before reporting this, I want to confirm it from the code, so that the fix can name the "
               "line.",
               f"`{g.host()}` answers on more than the web ports; enumerating it further.",
               "The version banner points at a release with known issues, so the dependencies come next."]
    steps = g.deck(["Compare the answer with the unauthenticated one.",
                    "Note the status, the size and any identifier that leaks.",
                    f"Check whether `{g.path()}` behaves the same way.",
                    "Repeat with the second test account to rule out a shared cache.",
                    "Record the exact request for the report.",
                    "Stop if anything looks like production customer data."])
    n = [1]

    def step():
        n[0] += 1
        return f"{n[0]}. {steps()}"
    return fill(budget, [g.pick(openers), "", f"1. {what} `{subject}`."], step)


FINDING_BLOCKS = [
    "Any logged-in customer can read another customer's order by changing the id in the path: the handler "
    "loads the record by id and never compares its owner with the caller.",
    "- **Impact:** names, addresses and order history of every customer.\n"
    "- **Evidence:** the request above returns the order of an account I do not own.",
    "Fix: load the record scoped to the caller and answer 404 otherwise.\n\n```python\n"
    "order = Order.query.filter_by(id=order_id, user_id=g.user.id).first_or_404()\n```",
    "| check | result |\n| --- | --- |\n| unauthenticated | 401 |\n| other account | 200 |\n"
    "| own account | 200 |",
    "The query is built with an f-string from the `number` parameter:\n\n```python\n"
    "cur.execute(f\"SELECT * FROM invoices WHERE number = '{number}'\")\n```\n\n"
    "Bind it instead: `cur.execute(\"SELECT * FROM invoices WHERE number = %s\", (number,))`.",
    "```diff\n-    path = os.path.join(EXPORT_DIR, request.json[\"name\"])\n"
    "+    name = secure_filename(request.json[\"name\"])\n+    path = os.path.join(EXPORT_DIR, name)\n```",
    "> Retested after the hotfix on staging: the same request now answers 404.",
]


def finding(g, budget):
    path = g.path()
    titles = [f"Insecure direct object reference on `{path}`", "SQL injection in the invoice search",
              "Server-side template injection in the email preview", "TLS 1.0 and 1.1 still offered",
              f"Path traversal in the export endpoint (`{path}`)", "Outdated Jinja2 with a known XSS",
              "Internal metrics reachable without authentication"]
    head = [f"### Finding: {g.pick(titles)}", "", f"**Severity:** {g.pick(SEVERITIES)}  ",
            f"**Where:** `https://{APP}{path}`", "", "Reproduction:", "", "```bash",
            f"curl -s https://{APP}{path}/10424 -H 'Accept: application/json'", "```"]
    blocks = g.deck(FINDING_BLOCKS)
    return fill(budget, head, lambda: "\n" + blocks())


def summary(g, budget):
    head = ["## Findings so far", "", "| # | severity | finding | status |", "| --- | --- | --- | --- |"]
    names = g.deck(["IDOR on orders", "SQL injection in search", "TLS 1.0/1.1 enabled", "Outdated Jinja2",
                    "Open Redis on 6379", "Verbose errors with stack traces", "Missing CSP",
                    "Path traversal in export", "Metrics without authentication"])
    n = [0]

    def row():
        n[0] += 1
        severity, name = g.pick(SEVERITIES), names()
        status = g.pick(["confirmed", "confirmed", "needs a second account", "reported"])
        return "| %d | %s | %s | %s |" % (n[0], severity, name, status)
    tail = ["", "Next: the admin host, then a retest of everything marked confirmed."]
    return fill(budget, head, row, tail)
