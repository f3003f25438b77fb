# The image the pods of `convstream k8s-job` run: ConvStream (framework-dependent publish) with
# Debian's ffmpeg/ffprobe on PATH. Build from the repository root:
#   docker build -t registry.example/convstream:1 .
# Not built or run in ConvStream's CI (no container engine there); see README "Past one machine".
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ConvStream.Cli -c Release -o /app -nologo

FROM mcr.microsoft.com/dotnet/runtime:10.0
# ffmpeg decodes, encodes and joins; libgtk-3-0 is what OpenCvSharp's bundled native library links
# against (its highgui), even when no window is opened.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libgtk-3-0 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /opt/convstream
# The shipped pipelines and kernels, so PIPELINE may also be a path in the image.
COPY filters /opt/convstream/filters
RUN ln -s /opt/convstream/convstream /usr/local/bin/convstream
WORKDIR /data
ENTRYPOINT ["convstream"]
