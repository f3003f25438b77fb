#!/usr/bin/env bash
# ConvStream's one entry point on Linux and macOS. Its twin run.ps1 has the same verbs and runs
# the same dotnet commands on Windows.
#   ./run.sh demo    the main job: run the demo pipeline on the sample clip into out/
#   ./run.sh test    build and run every test (installs ffmpeg first when it is missing)
#   ./run.sh bench   BenchmarkDotNet benchmarks of the engine (args pass through)
#   ./run.sh build   build everything in Release and the convstream command into artifacts/convstream
set -euo pipefail
cd "$(dirname "$0")"
verb="${1:-help}"; shift || true

need_dotnet() {
  command -v dotnet >/dev/null 2>&1 || { echo "run.sh: the .NET 10 SDK is needed: https://dotnet.microsoft.com/download" >&2; exit 1; }
}

# ffmpeg/ffprobe/ffplay drive video input and output; the media tests need them.
need_ffmpeg() {
  command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 && return 0
  echo "run.sh: ffmpeg is missing; installing it" >&2
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq ffmpeg >/dev/null
  elif command -v brew >/dev/null 2>&1; then
    brew install ffmpeg
  else
    echo "run.sh: install ffmpeg yourself (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg)" >&2
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
    dotnet test ConvStream.sln -c Release -nologo "$@"
    ;;
  bench)
    need_dotnet
    dotnet run -c Release --project tests/ConvStream.Benchmarks -- "$@"
    ;;
  demo)
    need_dotnet
    need_ffmpeg
    build_cli
    ./artifacts/convstream/convstream demo "$@"
    ;;
  *)
    echo "usage: ./run.sh demo|test|bench|build [args]" >&2
    exit 2
    ;;
esac
