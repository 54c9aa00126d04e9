# One image for every Detour component: `docker run detour router|worker|ledger|registry|simulator|catalog`.
# Built from the Maven build: the CLI jar and its runtime dependencies, nothing else.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl cli -am -DskipTests package \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && cp cli/target/detour-cli-*.jar /app/lib/ \
 && rm -f /app/lib/detour-bench-*.jar

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/detour --create-home detour
COPY --from=build /app/lib /app/lib
COPY deploy/healthcheck.sh /app/healthcheck.sh
USER detour
WORKDIR /var/lib/detour
# Secrets come from the environment or mounted files only; nothing secret is baked into the image.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Dsun.net.httpserver.maxIdleConnections=10000", "-cp", "/app/lib/*", "dev.detour.cli.Detour"]
