# Sourced by run.sh and test.sh: installs, from Debian's packages, whatever
# the build and the tests need and this machine lacks. Safe to run again.
COMMENTS_PACKAGES=(
  build-essential cmake pkg-config ccache
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  libabsl-dev libhiredis-dev libjemalloc-dev libmsgpack-dev libssl-dev
  libicu-dev libopencc-dev opencc libvectorscan-dev nlohmann-json3-dev
  libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server redis-tools openssl
  # The metrics tests lint the exposition with promtool and scrape the real
  # server with a real Prometheus (tests/metrics, tests/service).
  prometheus
  # The demo portal (demo/) and its browser test (tests/demo/): the HTTP
  # library, Debian's Chromium (the test never downloads a browser) and CJK
  # fonts so that the page renders in its screenshots.
  libcpp-httplib-dev chromium fonts-noto-cjk
  # deploy/'s checks (tests/deploy/): systemd-analyze, Debian's python3
  # with its YAML module, yamllint.
  systemd python3 python3-yaml yamllint
  # Moderation: jieba's word-frequency dictionary for Chinese word
  # boundaries (the engine reads /usr/lib/python3/dist-packages/jieba/
  # dict.txt; no Python runs), and fortunes-zh, ordinary Chinese text
  # nobody here wrote: the clean corpus of tests/moderation/
  # clean_corpus_test.cc, and the false holds of copy-paste waves
  # (tests/service/wave_server_test).
  python3-jieba fortunes-zh
)

comments_install_deps() {
  local missing=()
  local p
  local wanted=("${COMMENTS_PACKAGES[@]}")
  # node and npm run the browser test; a machine may already have them
  # from elsewhere (e.g. NodeSource, whose nodejs conflicts with Debian's
  # npm), so Debian's are installed only when there is no node at all.
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    wanted+=(nodejs npm)
  # kubectl renders deploy/k8s (kubectl kustomize); Debian's kubernetes-client
  # would clash with a kubectl from elsewhere (e.g. Google Cloud's package).
  command -v kubectl >/dev/null 2>&1 || wanted+=(kubernetes-client)
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
      missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  echo "Installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# comments_build BUILD_DIR [cmake args...]: configures once, then builds.
comments_build() {
  local dir="$1"; shift
  cmake -S "$COMMENTS_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}
