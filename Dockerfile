# syntax=docker/dockerfile:1
# msgcenter: one static binary on an empty image.
#
#   docker build -t msgcenter .
#   docker run -p 8080:8080 -v msgcenter:/data msgcenter serve --demo
#
# The build stage's go build line is also run by a test
# (cmd/msgcenter/image_test.go), so keep it on one line.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG BUILD_TIME=unknown
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.buildTime=${BUILD_TIME}" -o /out/msgcenter ./cmd/msgcenter
# The data directory, owned by the user that runs msgcenter.
RUN mkdir -p /out/data && chown 65532:65532 /out/data

FROM scratch
# No shell, no libc, no zone files: the binary is static and embeds Go's
# zone database; CA roots for calls to https://multichannel.qiscus.com.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/msgcenter /msgcenter
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
ENV MSGCENTER_ADDR=0.0.0.0:8080 \
    MSGCENTER_DATABASE_URL=/data/msgcenter.db \
    MSGCENTER_LOG_FORMAT=json
EXPOSE 8080
VOLUME /data
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["/msgcenter", "healthcheck"]
ENTRYPOINT ["/msgcenter"]
CMD ["serve"]
