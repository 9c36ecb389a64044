# One image for every pipeline service, built from the Maven jars: the CLI's shaded jar holds all
# modules, and each service is started by its own main class (see docker-compose.yml).
#   docker build -t kvsched .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY scheduler-core scheduler-core
COPY schemas schemas
COPY reports reports
COPY pipeline pipeline
COPY arrivals-producer arrivals-producer
COPY scheduler-stream scheduler-stream
COPY gpu-worker-sim gpu-worker-sim
COPY metrics-sink metrics-sink
COPY hindsight-opt hindsight-opt
COPY vllm-sim vllm-sim
COPY cli cli
COPY benchmarks benchmarks
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/cli/target/kvsched.jar /app/kvsched.jar
# Services read KVSCHED_* environment variables (ServiceConfig); no config file is needed.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dlog4j2.configurationFile=classpath:kvsched-log4j2.xml"
# The service to run is the main class, e.g. org.kvsched.stream.app.SchedulerApp.
ENTRYPOINT ["java", "-cp", "/app/kvsched.jar"]
CMD ["org.kvsched.cli.KvschedCli", "--help"]
