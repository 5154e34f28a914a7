#!/usr/bin/env bash
# The load run of `make bench`: wrk against the built binary, with a bare net/http hello-world measured in
# the same run as the yardstick, so that figures taken on a loaded machine still compare as ratios.
#
# It builds bin/setad and bin/hello; loads the demo into the database setad_bench (made afresh every run)
# and the demo with the synthetic country (31 provinces, 300,000 candidates; `setad seed --synthetic-country`) into
# setad_bench_scale (made once, again when asked or when its schema no longer migrates); serves each with `setad serve` on a free port, its request log dropped;
# signs in as one demo user of every role; then, for every signed-in page of the demo that is not a file
# download, as every role that opens it (and /login signed out), checks with curl that the page answers
# 200 and runs `wrk -t2 -c16`: once as served (a page drawn once, then kept for the next identical view
# until the data changes; internal/pagecache) and once drawn for every request, by a second server with
# the page cache off (SETAD_PAGE_CACHE_MB=0), on the same database and sessions. On the country it runs HQ's candidate list unfiltered, a name
# search, a county + status filter, the home page (the HQ dashboard of Fars, the largest province) and the boards, and the
# Ministry's national view and its drill-down to Fars. The hello is run first and last; the
# pages are read against the mean of the two. Last come the setad processes' memory and one Markdown table,
# also written to artifacts/bench.md (the servers' errors, if any, to artifacts/bench-server.log). Any other
# answer than 200 (a redirect to /login included) stops it.
#
#   BENCH_SECONDS   seconds per page (default 5; the whole run then takes about 9 minutes)
#   BENCH_PAGES     an extended regular expression: only the runs whose "PAGE ROLE" matches it
#                   (e.g. '^/candidates', ' hq$'); the hello is always run
#   BENCH_SCALE=0   skip the country's database
#   BENCH_DRAWN=0   skip the runs with the page cache off (the run then takes half as long)
#   BENCH_REBUILD=1 rebuild that database (a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

seconds=${BENCH_SECONDS:-5}
filter=${BENCH_PAGES:-}
scale=${BENCH_SCALE:-1}
rebuild=${BENCH_REBUILD:-0}
drawn=${BENCH_DRAWN:-1}
country='the synthetic country'
demo_db=setad_bench
scale_db=setad_bench_scale
conns=16
ratio_page=12  # a signed-in page: at least 1/12 of the hello's requests per second
ratio_login=3  # /login: at least 1/3
p95_scale=50   # the candidate list at scale: p95 under 50 ms
p95_dashboard=100 # the HQ dashboard and the national view at scale: p95 under 100 ms
rss_mb=150     # memory after the runs
search='%D8%B9%D9%84%DB%8C' # «علی», the commonest first name of the demo and of the synthetic candidates

log() { echo "bench: $*" >&2; }
die() { echo "bench: FAIL: $*" >&2; exit 1; }
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive number of seconds, not '$seconds'"

if ! command -v wrk >/dev/null; then
  log "installing Debian's wrk"
  as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v curl >/dev/null || die "curl is missing (apt-get install curl)"

tmp=$(mktemp -d)
pids=()
stop() { # PID: SIGTERM, then wait for the process to end
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  for pid in "${pids[@]}"; do stop "$pid"; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

admin=$(scripts/ensure-postgres.sh test)
[[ $admin =~ ^(postgres(ql)?://[^/]*)/[^?]*(\?.*)?$ ]] || die "cannot read the database URL $admin"
server=${BASH_REMATCH[1]} params=${BASH_REMATCH[3]}
db_url() { echo "$server/$1$params"; }
demo_url=$(db_url "$demo_db")
scale_url=$(db_url "$scale_db")
sql() { psql "$admin" -Atqc "$1"; }
exists() { [[ $(sql "SELECT count(*) FROM pg_database WHERE datname = '$1'") == 1 ]]; }

mkdir -p artifacts
: >artifacts/bench-server.log
log "building bin/setad and bin/hello"
make --no-print-directory build >/dev/null
${GO:-go} build -o bin/hello ./scripts/hello

log "loading the demo into $demo_db"
sql "DROP DATABASE IF EXISTS $demo_db WITH (FORCE)"
sql "CREATE DATABASE $demo_db"
seeded=$(DATABASE_URL=$demo_url bin/setad seed --demo)
[[ $seeded =~ password\ ([^ ]+)\ for\ every\ user ]] || die "setad seed --demo printed no password"
password=${BASH_REMATCH[1]}
# One user per role, the first of each in the logins the demo prints ("  username  role  place").
roles=()
declare -A user
while read -r name role _; do
  [[ -n $role && -z ${user[$role]:-} ]] || continue
  roles+=("$role")
  user[$role]=$name
done < <(grep -E '^  [a-z0-9._-]+ +[a-z_]+' <<<"$seeded")
(( ${#roles[@]} > 0 )) || die "setad seed --demo printed no logins"

if [[ $scale == 1 ]]; then
  if exists "$scale_db" && [[ $rebuild != 1 ]] && ! DATABASE_URL=$scale_url bin/setad migrate up >/dev/null 2>"$tmp/migrate"; then
    log "$scale_db does not migrate with this binary ($(tail -n1 "$tmp/migrate")): rebuilding it"
    rebuild=1
  fi
  if [[ $rebuild == 1 ]] || ! exists "$scale_db"; then
    # Built under another name and renamed when complete, so an interrupted build is never taken for one.
    log "loading the demo and $country into $scale_db (a few minutes)"
    sql "DROP DATABASE IF EXISTS ${scale_db}_new WITH (FORCE)"
    sql "CREATE DATABASE ${scale_db}_new"
    DATABASE_URL=$(db_url "${scale_db}_new") bin/setad seed --demo --synthetic-country --force >/dev/null
    sql "DROP DATABASE IF EXISTS $scale_db WITH (FORCE)"
    sql "ALTER DATABASE ${scale_db}_new RENAME TO $scale_db"
  fi
fi

free_port() {
  local p
  for _ in {1..100}; do
    p=$((20000 + RANDOM % 10000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port found"
}

# wait_up URL PID: until URL answers 200, or die if the process ended or 60 s passed.
wait_up() {
  for _ in {1..300}; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$1") == 200 ]] && return
    kill -0 "$2" 2>/dev/null || die "the server for $1 stopped: $(tail -n 5 artifacts/bench-server.log)"
    sleep 0.2
  done
  die "$1 did not answer within 60 s"
}

# serve DATABASE_URL: starts setad serve on a free port, and, unless BENCH_DRAWN=0, a second one with the
# page cache off; sets base, setad_pid, drawn_base and drawn_pid.
serve() {
  local port
  port=$(free_port)
  DATABASE_URL=$1 SETAD_ADDR=127.0.0.1:$port bin/setad serve >/dev/null 2>>artifacts/bench-server.log &
  setad_pid=$!
  pids+=("$setad_pid")
  base=http://127.0.0.1:$port
  wait_up "$base/healthz" "$setad_pid"
  drawn_base="" drawn_pid=""
  [[ $drawn == 1 ]] || return 0
  port=$(free_port)
  DATABASE_URL=$1 SETAD_ADDR=127.0.0.1:$port SETAD_PAGE_CACHE_MB=0 bin/setad serve >/dev/null 2>>artifacts/bench-server.log &
  drawn_pid=$!
  pids+=("$drawn_pid")
  drawn_base=http://127.0.0.1:$port
  wait_up "$drawn_base/healthz" "$drawn_pid"
}

# memory PID LABEL: the process's resident set now and at its peak, in MB; kept for the report.
mem_rows=()
memory() {
  local rss hwm
  rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$1/status")
  hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$1/status")
  local met=yes
  (( rss < rss_mb )) || met="**no**"
  mem_rows+=("| setad serve, $2 | $rss MB | $hwm MB | < $rss_mb MB | $met |")
  log "memory of setad serve, $2: VmRSS $rss MB, VmHWM $hwm MB"
}

declare -A cookie
# login ROLE: signs ROLE's demo user in and keeps the session's cookies as a Cookie header.
login() {
  local jar=$tmp/jar.$1 code
  code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -c "$jar" \
    --data-urlencode "username=${user[$1]}" --data-urlencode "password=$password" "$base/login") || true
  [[ $code == "303 $base/" ]] || die "signing in as ${user[$1]} answered $code, not 303 to /"
  cookie[$1]=$(awk -F'\t' 'NF == 7 { printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$jar")
}

# get ROLE PATH: the page as ROLE sees it (ROLE "anonymous": signed out) into $tmp/body; dies unless 200.
get() {
  local args=(-s -o "$tmp/body" -w '%{http_code} %{redirect_url}')
  [[ $1 == anonymous ]] || args+=(-H "Cookie: ${cookie[$1]}")
  local code
  code=$(curl "${args[@]}" "$base$2") || true
  [[ $code == "200 " ]] || die "$2 as $1 (${user[$1]:-signed out}) answered $code, not 200"
}

# first ROLE PATH REGEX [SKIP]: sets REPLY to the first capture of href="REGEX" in the page, in the page's
# order, passing over the value SKIP; fails when there is none.
first() {
  get "$1" "$2"
  local v
  while read -r v; do
    [[ $v == "${4:-}" ]] && continue
    REPLY=$v
    return 0
  done < <(grep -oE "href=\"$3\"" "$tmp/body" | sed -E "s#^href=\"$3\"\$#\\1#")
  return 1
}

# resolve ROLE KEY: sets REPLY to the value of the placeholder {KEY} for ROLE, found in the pages ROLE sees:
# the demo's Marvdasht when the role sees it (its county, cities, boards and candidates), else the first.
declare -A found
resolve() {
  local role=$1 key=$2
  if [[ -n ${found[$role:$key]:-} ]]; then REPLY=${found[$role:$key]}; return; fi
  local county own
  case $key in
    county)
      first "$role" /counties '/counties/(marvdasht)' || first "$role" /counties '/counties/([a-z0-9-]+)' ;;
    city)
      resolve "$role" county; county=$REPLY
      first "$role" "/counties/$county" "/counties/$county/cities/([a-z0-9-]+)" import ;;
    board)
      resolve "$role" county; county=$REPLY
      first "$role" "/boards?county=$county" '/boards/([0-9]+)' ;;
    approved) first "$role" '/boards?status=approved' '/boards/([0-9]+)' ;;
    own) # the board the role composes
      case $role in
        governor) first "$role" '/boards?level=county' '/boards/([0-9]+)' ;;
        district_head) first "$role" '/boards?level=district' '/boards/([0-9]+)' ;;
        *) false ;;
      esac ;;
    member)
      resolve "$role" own; own=$REPLY
      first "$role" "/boards/$own" "/boards/$own/members/([0-9]+)" ;;
    candidate)
      resolve "$role" county; county=$REPLY
      first "$role" "/candidates?county=$county" '/candidates/([0-9]+)' ;;
    user) first "$role" /admin/users '/admin/users/([0-9]+)' ;;
    guidance) first "$role" /guidance '/guidance/([0-9]+)' ;;
    question) first "$role" /questions '/questions/([0-9]+)' ;;
    training) first "$role" /trainings '/trainings/([0-9]+)' ;;
    check) first "$role" /readiness '/readiness/([0-9]+)' ;;
    committee) first "$role" /admin/committees '/admin/committees/([a-z][a-z0-9_]+)' ;;
    incident) first "$role" /incidents '/incidents/([0-9]+)' ;;
    task) # the first task the role's list shows: the Ministry's of Fars
      case $role in
        national) first "$role" '/tasks?province=fars' '/tasks/([0-9]+)' ;;
        *) first "$role" /tasks '/tasks/([0-9]+)' ;;
      esac ;;
    *) die "unknown placeholder {$key}" ;;
  esac || die "no {$key} found for $role (${user[$role]}) in the pages it sees"
  found[$role:$key]=$REPLY
}

# expand ROLE PAGE: sets REPLY to PAGE with its placeholders filled in for ROLE.
expand() {
  local page=$2
  while [[ $page =~ \{([a-z]+)\} ]]; do
    local key=${BASH_REMATCH[1]}
    resolve "$1" "$key"
    page=${page//\{$key\}/$REPLY}
  done
  REPLY=$page
}

# measure URL [COOKIE]: wrk's figures for URL; sets rps, p50, p95, p99. Dies on any response with an error
# status or socket error; a redirect (a lost session) is caught by the check with curl after the run.
measure() {
  local args=(-t2 "-c$conns" "-d${seconds}s" --timeout 10s -s scripts/bench.lua)
  [[ -z ${2:-} ]] || args+=(-H "Cookie: $2")
  local out line bad errs
  out=$(wrk "${args[@]}" "$1") || die "wrk failed on $1: $out"
  line=$(grep '^BENCH ' <<<"$out") || die "wrk printed no figures for $1: $out"
  read -r _ rps p50 p95 p99 bad errs <<<"$line"
  (( bad == 0 )) || die "$1: $bad responses with a status of 400 or more under load"
  (( errs == 0 )) || die "$1: $errs socket errors (connect, read, write or timeout) under load"
}

rows=()
# run DATA ROLE PAGE TARGET: checks PAGE as ROLE, loads it, and adds its row. TARGET is "ratio N" (at least
# 1/N of the hello) or "p95 N" (p95 under N ms).
run() {
  local data=$1 role=$2 page=$3 target=$4
  [[ -z $filter || "$page $role" =~ $filter ]] || return 0
  expand "$role" "$page"
  local path=$REPLY
  get "$role" "$path"
  local c=""
  [[ $role == anonymous ]] || c=${cookie[$role]}
  local drawn_rps=- drawn_p95=-
  if [[ -n $drawn_base ]]; then
    measure "$drawn_base$path" "$c"
    drawn_rps=$rps drawn_p95=$p95
  fi
  measure "$base$path" "$c"
  get "$role" "$path"
  local shown=${path//"$search"/علی}
  rows+=("$data|$role|$shown|$rps|$p50|$p95|$p99|$drawn_rps|$drawn_p95|$target")
  log "$(printf '%-5s %-14s %-45s %8.0f req/s  p95 %6.1f ms  drawn %8s req/s  p95 %6s ms' "$data" "$role" "$shown" "$rps" "$p95" \
    "$drawn_rps" "$drawn_p95")"
}

hello_rps=()
# hello LABEL: the yardstick, run like a page.
hello() {
  local port pid
  port=$(free_port)
  bin/hello -addr "127.0.0.1:$port" 2>>artifacts/bench-server.log &
  pid=$!
  pids+=("$pid")
  wait_up "http://127.0.0.1:$port/" "$pid"
  measure "http://127.0.0.1:$port/"
  stop "$pid"
  hello_rps+=("$rps")
  rows+=("hello|—|hello ($1)|$rps|$p50|$p95|$p99|-|-|—")
  log "hello ($1): $rps req/s, p95 $p95 ms"
}

all="${roles[*]}"
# The signed-in pages of the demo that are not file downloads, and the roles that open them (SPEC.md and
# the README's pages). The previews of imports (…/import/{id}) are left out: they exist only after an
# upload. A page is opened as each of its roles, with the ids that role sees.
pages=(
  "/|$all"
  "/?sort=tasks&dir=desc|hq observer"
  "/?province=fars|national"
  "/counties|$all"
  "/counties/{county}|$all"
  "/counties/{county}/cities/{city}|$all"
  "/counties/{county}/cities/import|hq"
  "/boards|$all"
  "/boards/{board}|$all"
  "/boards/{approved}/print|hq governor committee observer national"
  "/boards/{own}/members/{member}|district_head"
  "/boards/{own}/pool/import|governor district_head"
  "/boards/rules|$all"
  "/candidates|$all"
  "/candidates?q=$search|$all"
  "/candidates/{candidate}|$all"
  "/candidates/{candidate}/edit|hq governor"
  "/candidates/new|hq governor"
  "/candidates/import|hq governor"
  "/candidates/rules|$all"
  "/admin/users|hq"
  "/admin/users/{user}|hq"
  "/admin/users/new|hq"
  "/audit|hq observer national"
  "/profile|$all"
  "/timeline|$all"
  "/timeline?county={county}|hq"
  "/timeline/matrix|hq observer national"
  "/timeline/matrix?county={county}|hq observer"
  "/timeline/calendar|$all"
  "/timeline/template|$all"
  "/notifications|$all"
  "/guidance|$all"
  "/guidance/{guidance}|$all"
  "/questions|$all"
  "/questions/{question}|hq governor district_head committee observer"
  "/faq|$all"
  "/trainings|hq governor district_head committee observer"
  "/trainings?province=fars|national"
  "/trainings/{training}|hq governor district_head committee observer"
  "/admin/committees|hq"
  "/admin/committees/{committee}|hq"
  "/tasks|$all"
  "/tasks/{task}|$all"
  "/tasks?county={county}&overdue=1|hq"
  "/guidance?county={county}&acked=no|hq"
  "/trainings?county={county}&untrained=1|hq"
  "/timeline?county={county}&overdue=1|hq"
  "/readiness|hq governor district_head committee observer"
  "/readiness?province=fars|national"
  "/readiness?county={county}&missed=1|hq observer"
  "/readiness/{check}|hq committee observer"
  "/readiness/{check}/file|governor district_head"
  "/incidents|$all"
  "/incidents?county={county}&severity=critical&open=1|hq observer"
  "/incidents/new|governor district_head"
  "/incidents/{incident}|$all"
  "/admin/systems|hq"
)

started=$(date +%s)
hello start

log "serving $demo_db"
serve "$demo_url"
for role in "${roles[@]}"; do login "$role"; done
run demo anonymous /login "ratio $ratio_login"
for entry in "${pages[@]}"; do
  page=${entry%%|*}
  for role in ${entry#*|}; do
    [[ -n ${user[$role]:-} ]] || die "the demo has no $role user"
    run demo "$role" "$page" "ratio $ratio_page"
  done
done
memory "$setad_pid" "demo"
[[ -z $drawn_pid ]] || memory "$drawn_pid" "demo, page cache off"
stop "$setad_pid"
[[ -z $drawn_pid ]] || stop "$drawn_pid"

# The pages on the synthetic country, as whom, and their targets: HQ of Fars (the largest province) and the
# Ministry's national view.
scale_pages=(
  "/candidates|hq|p95 $p95_scale"
  "/candidates?q=$search|hq|p95 $p95_scale"
  "/candidates?county={county}&status=under_review|hq|p95 $p95_scale"
  "/|hq|p95 $p95_dashboard"
  "/boards|hq|ratio $ratio_page"
  "/|national|p95 $p95_dashboard"
  "/?province=fars|national|p95 $p95_dashboard"
)
wanted=()
for entry in "${scale_pages[@]}"; do
  IFS='|' read -r page role _ <<<"$entry"
  [[ -n $filter && ! "$page $role" =~ $filter ]] || wanted+=("$entry")
done
if [[ $scale == 1 && ${#wanted[@]} -gt 0 ]]; then
  log "serving $scale_db"
  found=()
  serve "$scale_url"
  login hq
  login national
  for entry in "${wanted[@]}"; do
    IFS='|' read -r page role target <<<"$entry"
    run country "$role" "$page" "$target"
  done
  memory "$setad_pid" "$country"
  [[ -z $drawn_pid ]] || memory "$drawn_pid" "$country, page cache off"
  stop "$setad_pid"
  [[ -z $drawn_pid ]] || stop "$drawn_pid"
fi

hello end
yardstick=$(awk -v a="${hello_rps[0]}" -v b="${hello_rps[1]}" 'BEGIN { printf "%.0f", (a + b) / 2 }')

report() {
  echo "Load run of $(date '+%Y-%m-%d %H:%M %Z') at $(git rev-parse --short HEAD 2>/dev/null || echo '?'):" \
    "\`wrk -t2 -c$conns -d${seconds}s\`, server, wrk and PostgreSQL on the same $(nproc) cores."
  echo "Hello-world: ${hello_rps[0]%.*} req/s at the start, ${hello_rps[1]%.*} at the end; pages are read against the mean, $yardstick req/s."
  echo
  echo "Served: as a user gets the page again (kept after its first view until the data changes)." \
    "Drawn: every request draws the page (page cache off), as the first view after a change does."
  echo
  echo "| page | role | data | req/s | share of hello | p50 ms | p95 ms | p99 ms | drawn req/s | drawn share | drawn p95 ms | target | met | met drawn |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  local r data role page rps p50 p95 p99 drps dp95 target kind n share dshare met dmet
  # verdict RPS P95: whether the figures meet the row's target
  verdict() {
    case $kind in
      ratio) awk -v h="$yardstick" -v x="$1" -v n="$n" 'BEGIN { print (x * n >= h) ? "yes" : "**no**" }' ;;
      p95) awk -v p="$2" -v n="$n" 'BEGIN { print (p < n) ? "yes" : "**no**" }' ;;
    esac
  }
  for r in "${rows[@]}"; do
    IFS='|' read -r data role page rps p50 p95 p99 drps dp95 target <<<"$r"
    share=$(awk -v h="$yardstick" -v x="$rps" 'BEGIN { printf "1/%.1f", h / x }')
    dshare="—" met="—" dmet="—"
    [[ $drps == - ]] || dshare=$(awk -v h="$yardstick" -v x="$drps" 'BEGIN { printf "1/%.1f", h / x }')
    read -r kind n <<<"$target"
    case $kind in
      ratio|p95)
        met=$(verdict "$rps" "$p95")
        [[ $drps == - ]] || dmet=$(verdict "$drps" "$dp95")
        [[ $kind == ratio ]] && target="≥ 1/$n" || target="p95 < $n ms" ;;
    esac
    [[ $drps == - ]] && drps="—" || drps=$(printf '%.0f' "$drps")
    [[ $dp95 == - ]] && dp95="—"
    if [[ $data == hello ]]; then data="—" share="—"; else page="\`$page\`"; fi
    printf '| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
      "$page" "$role" "$data" "$rps" "$share" "$p50" "$p95" "$p99" "$drps" "$dshare" "$dp95" "$target" "$met" "$dmet"
  done
  echo
  echo "| memory after the runs | VmRSS | VmHWM | target | met |"
  echo "|---|---|---|---|---|"
  for r in "${mem_rows[@]}"; do echo "$r"; done
}

report | tee artifacts/bench.md
misses=$(grep -cE '^\| `.*\| \*\*no\*\* \| [^|]* \|$' artifacts/bench.md || true)
dmisses=$(grep -cE '^\| `.*\| \*\*no\*\* \|$' artifacts/bench.md || true)
log "$(( ${#rows[@]} - 2 )) pages in $(( $(date +%s) - started )) s; $misses below target as served, $dmisses drawn; written to artifacts/bench.md"
