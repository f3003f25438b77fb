# ConvStream's one entry point on Windows: the twin of run.sh, same verbs, same dotnet commands.
#   ./run.ps1 demo    the main job: run the demo pipeline on the sample clip into out/
#   ./run.ps1 test    build and run every test (installs ffmpeg and OpenCvSharp's system libraries when missing)
#   ./run.ps1 bench   BenchmarkDotNet benchmarks of the engine (args pass through)
#   ./run.ps1 build   build everything in Release and the convstream command into artifacts/convstream
#   ./run.ps1 pack    the dotnet tool convstream and the libraries (Engine, Stages, Pipeline) into artifacts/packages
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$verb = if ($args.Count -gt 0) { $args[0] } else { 'help' }
$rest = if ($args.Count -gt 1) { $args[1..($args.Count - 1)] } else { @() }

function Need-Dotnet {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
        Write-Error 'run.ps1: the .NET 10 SDK is needed: https://dotnet.microsoft.com/download'; exit 1
    }
}

function Need-Ffmpeg {
    if ((Get-Command ffmpeg -ErrorAction SilentlyContinue) -and (Get-Command ffprobe -ErrorAction SilentlyContinue)) { return }
    Write-Host 'run.ps1: ffmpeg is missing; installing it with winget'
    if (Get-Command winget -ErrorAction SilentlyContinue) {
        winget install --id Gyan.FFmpeg -e --accept-source-agreements --accept-package-agreements
        Write-Host 'run.ps1: open a new terminal so that ffmpeg is on PATH, then run this again'; exit 1
    } else {
        Write-Error 'run.ps1: install ffmpeg yourself (winget install ffmpeg) and put it on PATH'; exit 1
    }
}

# OpenCvSharp's native library: on Windows OpenCvSharp4.runtime.win's OpenCvSharpExtern.dll needs only the
# VC++ runtime; on Linux (pwsh) libOpenCvSharpExtern.so needs GTK3, libdrm and libatomic (checked with ldd, as run.sh).
function Need-OpenCvNative {
    dotnet restore src/ConvStream.Media -v quiet -nologo | Out-Null; if ($LASTEXITCODE) { exit $LASTEXITCODE }
    if ($IsLinux) {
        $root = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
        $so = Get-ChildItem -Recurse -Filter libOpenCvSharpExtern.so (Join-Path $root 'opencvsharp4.official.runtime.linux-x64') -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($so -and ((ldd $so.FullName) -match 'not found')) {
            Write-Host 'run.ps1: libOpenCvSharpExtern.so misses system libraries; installing libgtk-3-0 libdrm2 libatomic1'
            $gtk = 'libgtk-3-0'; apt-cache show libgtk-3-0t64 *> $null; if (-not $LASTEXITCODE) { $gtk = 'libgtk-3-0t64' }
            sudo apt-get update -qq; sudo apt-get install -y -qq $gtk libdrm2 libatomic1; if ($LASTEXITCODE) { exit $LASTEXITCODE }
        }
    }
}

# The web view's browser test drives a Chromium through Playwright (which cannot download its own):
# CONVSTREAM_CHROMIUM, else Edge or Chrome on Windows, else Debian's chromium (installed when missing).
function Need-Chromium {
    if ($env:CONVSTREAM_CHROMIUM) { return }
    if ($IsLinux) {
        if (Get-Command chromium -ErrorAction SilentlyContinue) { return }
        Write-Host 'run.ps1: chromium is missing (the browser test needs it); installing it'
        sudo apt-get update -qq; sudo apt-get install -y -qq chromium; if ($LASTEXITCODE) { exit $LASTEXITCODE }
        return
    }
    $found = @("${env:ProgramFiles(x86)}\Microsoft\Edge\Application\msedge.exe", "$env:ProgramFiles\Google\Chrome\Application\chrome.exe",
               '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome') | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
    if ($found) { $env:CONVSTREAM_CHROMIUM = $found } else { Write-Host 'run.ps1: set CONVSTREAM_CHROMIUM to a Chromium, Chrome or Edge executable for the browser test' }
}

function Build-Cli { dotnet build src/ConvStream.Cli -c Release -o artifacts/convstream -v quiet -nologo; if ($LASTEXITCODE) { exit $LASTEXITCODE } }

switch ($verb) {
    'build' {
        Need-Dotnet
        dotnet build ConvStream.sln -c Release -nologo @rest; if ($LASTEXITCODE) { exit $LASTEXITCODE }
        Build-Cli
        Write-Host 'built: artifacts/convstream/convstream.exe'
    }
    'test' {
        Need-Dotnet; Need-Ffmpeg; Need-OpenCvNative; Need-Chromium
        dotnet test ConvStream.sln -c Release -nologo @rest; exit $LASTEXITCODE
    }
    'pack' {
        Need-Dotnet
        dotnet pack ConvStream.sln -c Release -nologo -o artifacts/packages @rest; if ($LASTEXITCODE) { exit $LASTEXITCODE }
        Write-Host 'packed: artifacts/packages (install: dotnet tool install --global convstream --add-source artifacts/packages)'
    }
    'bench' {
        Need-Dotnet
        dotnet run -c Release --project tests/ConvStream.Benchmarks -- @rest; exit $LASTEXITCODE
    }
    'demo' {
        Need-Dotnet; Need-Ffmpeg; Need-OpenCvNative; Build-Cli
        ./artifacts/convstream/convstream.exe demo @rest; exit $LASTEXITCODE
    }
    default { Write-Host 'usage: ./run.ps1 demo|test|bench|build|pack [args]'; exit 2 }
}
