# kafka-mlp: build the fat jar with Maven, run it on a JRE.
#   docker build -t kafka-mlp . && docker run --rm -p 9404:9404 kafka-mlp run --metrics-port 9404
# docker-compose.yml builds this image for its `app` service.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so that a source change does not download them again.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline -DexcludeArtifactIds=kafka-mlp || true
COPY . ./
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="kafka-mlp" \
      org.opencontainers.image.description="Trains neural networks continuously from Kafka event streams"
RUN groupadd --system kafkamlp && useradd --system --gid kafkamlp --home-dir /data kafkamlp \
    && mkdir -p /app /data && chown kafkamlp:kafkamlp /data
COPY --from=build /src/target/kafka-mlp.jar /app/kafka-mlp.jar
USER kafkamlp
# --data-dir defaults to ./kafka-mlp-data: under /data.
WORKDIR /data
# /metrics (Prometheus) and /weights/{model}/layer0.png; 9092 when `run` starts its embedded broker.
EXPOSE 9404 9092
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-jar", "/app/kafka-mlp.jar"]
CMD ["run", "--metrics-port", "9404"]
