# The release image: goreleaser (dockers_v2) puts each platform's static
# binary under $TARGETPLATFORM/ in the build context.
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/pathwaysync /usr/bin/pathwaysync
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/bin/pathwaysync"]
CMD ["serve"]
