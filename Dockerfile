# The image the pods of `convstream k8s-job` run: ConvStream (framework-dependent publish) with
# Debian's ffmpeg/ffprobe on PATH. Build from the repository root:
#   docker build -t registry.example/convstream:1 .
# Not built or run in ConvStream's CI (no container engine there); see README "Past one machine".
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ConvStream.Cli -c Release -o /app -nologo

# The ASP.NET Core runtime, not the plain one: the CLI hosts the browser view (ConvStream.Web).
FROM mcr.microsoft.com/dotnet/aspnet:10.0
# ffmpeg decodes, encodes and joins; libgtk-3-0 is what OpenCvSharp's bundled native library links
# against (its highgui), even when no window is opened.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libgtk-3-0 \
 && rm -rf /var/lib/apt/lists/*
# The publish output already holds the shipped filters/ and media/ (the CLI project copies them
# to publish), so PIPELINE may also be a path in the image such as filters/pipelines/demo.json.
COPY --from=build /app /opt/convstream
RUN ln -s /opt/convstream/convstream /usr/local/bin/convstream
WORKDIR /data
ENTRYPOINT ["convstream"]
