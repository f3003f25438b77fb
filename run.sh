#!/usr/bin/env bash
# ConvStream's one entry point on Linux and macOS. Its twin run.ps1 has the same verbs and runs
# the same dotnet commands on Windows.
#   ./run.sh demo    the main job: run the demo pipeline on the sample clip into out/
#   ./run.sh test    build and run every test (installs ffmpeg and OpenCvSharp's system libraries when missing)
#   ./run.sh bench   BenchmarkDotNet benchmarks of the engine (args pass through)
#   ./run.sh build   build everything in Release and the convstream command into artifacts/convstream
#   ./run.sh pack    the dotnet tool convstream and the libraries (Engine, Stages, Pipeline) into artifacts/packages
set -euo pipefail
cd "$(dirname "$0")"
verb="${1:-help}"; shift || true

need_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { echo "run.sh: the .NET 10 SDK is needed: https://dotnet.microsoft.com/download" >&2; exit 1; }
}

apt_install() {
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# ffmpeg/ffprobe/ffplay drive video input and output; the media tests need them.
need_ffmpeg() {
  command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 && return 0
  echo "run.sh: ffmpeg is missing; installing it" >&2
  if command -v apt-get >/dev/null 2>&1; then
    apt_install ffmpeg
  elif command -v brew >/dev/null 2>&1; then
    brew install ffmpeg
  else
    echo "run.sh: install ffmpeg yourself (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg)" >&2
    exit 1
  fi
}

# The web view's browser test drives a Chromium through Playwright (which cannot download its own
# here): Debian's chromium, or the browser CONVSTREAM_CHROMIUM names.
need_chromium() {
  [ -n "${CONVSTREAM_CHROMIUM:-}" ] && return 0
  command -v chromium >/dev/null 2>&1 && return 0
  if command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: chromium is missing (the browser test needs it); installing it" >&2
    apt_install chromium
  else
    echo "run.sh: set CONVSTREAM_CHROMIUM to a Chromium or Chrome executable for the browser test" >&2
  fi
}

# OpenCvSharp's native library (libOpenCvSharpExtern.so, from the OpenCvSharp4.official.runtime.linux-x64
# package) links against GTK3 (highgui windows), libdrm and libatomic, which a fresh Debian/Ubuntu lacks:
# restore the package, ask ldd what is missing, apt-get it (Ubuntu 24.04 renamed GTK's package libgtk-3-0t64).
need_opencv_native() {
  [ "$(uname -s)" = Linux ] || return 0
  dotnet restore src/ConvStream.Media -v quiet -nologo >/dev/null
  local so
  so=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/opencvsharp4.official.runtime.linux-x64" -name libOpenCvSharpExtern.so 2>/dev/null | head -1)
  [ -n "$so" ] || return 0
  ldd "$so" | grep -q 'not found' || return 0
  echo "run.sh: libOpenCvSharpExtern.so needs $(ldd "$so" | awk '/not found/{print $1}' | tr '\n' ' ')- installing them" >&2
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: install GTK3, libdrm and libatomic yourself (Debian/Ubuntu: apt-get install libgtk-3-0 libdrm2 libatomic1)" >&2
    exit 1
  fi
  local gtk=libgtk-3-0
  apt-cache show libgtk-3-0t64 >/dev/null 2>&1 && gtk=libgtk-3-0t64
  apt_install "$gtk" libdrm2 libatomic1
  if ldd "$so" | grep -q 'not found'; then
    echo "run.sh: libOpenCvSharpExtern.so still misses: $(ldd "$so" | awk '/not found/{print $1}' | tr '\n' ' ')" >&2
    exit 1
  fi
}

build_cli() {
  dotnet build src/ConvStream.Cli -c Release -o artifacts/convstream -v quiet -nologo
}

case "$verb" in
  build)
    need_dotnet
    dotnet build ConvStream.sln -c Release -nologo "$@"
    build_cli
    echo "built: artifacts/convstream/convstream"
    ;;
  test)
    need_dotnet
    need_ffmpeg
    need_opencv_native
    need_chromium
    dotnet test ConvStream.sln -c Release -nologo "$@"
    ;;
  pack)
    need_dotnet
    dotnet pack ConvStream.sln -c Release -nologo -o artifacts/packages "$@"
    echo "packed: artifacts/packages (install: dotnet tool install --global convstream --add-source artifacts/packages)"
    ;;
  bench)
    need_dotnet
    dotnet run -c Release --project tests/ConvStream.Benchmarks -- "$@"
    ;;
  demo)
    need_dotnet
    need_ffmpeg
    need_opencv_native
    build_cli
    ./artifacts/convstream/convstream demo "$@"
    ;;
  *)
    echo "usage: ./run.sh demo|test|bench|build|pack [args]" >&2
    exit 2
    ;;
esac
