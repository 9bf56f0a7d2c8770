# Portcullis node image: docker build -t portcullis . (deploy/README.md, "Container image").
# Build stage: the same build as README's "The two commands", without the tests.
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# A fixed numeric uid/gid, so Kubernetes' runAsNonRoot can verify it (deploy/k8s/ runs as 10001).
RUN groupadd --system --gid 10001 portcullis \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/portcullis --no-create-home \
       --shell /usr/sbin/nologin portcullis \
    && mkdir -p /var/lib/portcullis /opt/portcullis \
    && chown 10001:10001 /var/lib/portcullis
COPY --from=build /src/node/target/portcullis.jar /opt/portcullis/portcullis.jar
# Without node.data-dir in a configuration the data lands in ./portcullis-data, i.e. inside the volume.
WORKDIR /var/lib/portcullis
VOLUME /var/lib/portcullis
USER 10001:10001
# JVM options and glibc's malloc arenas: deploy/README.md, "JVM options" (the same in every deploy file).
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -Xms16m -XX:TrimNativeHeapInterval=10000"
ENV MALLOC_ARENA_MAX=2
# The fleet configuration's ports (deploy/k8s/configmap-node.yaml): explicit proxy, Hazelcast, event bus
# (cluster.event-bus-port), admin API. The built-in defaults bind 127.0.0.1 only: give a --config.
EXPOSE 3128 5701 5801 9191
# sh -c only to split JAVA_OPTS into words; exec makes java PID 1, so it gets SIGTERM and drains. Arguments
# (docker run ... --config /etc/portcullis/node.yaml, or Kubernetes args) go to the jar.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/portcullis/portcullis.jar \"$@\"", "portcullis"]
