# Build a static binary (pure-Go SQLite, no cgo), then run it as a non-root user
# on a minimal base.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/landlord . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/landlord /landlord
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV LANDLORD_ADDR=:8080 LANDLORD_DATA_DIR=/data
USER nonroot:nonroot
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["/landlord"]
CMD ["serve"]
