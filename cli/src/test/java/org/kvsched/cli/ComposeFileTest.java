package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.junit.jupiter.api.Test;
import org.kvsched.arrivals.app.ArrivalsProducerApp;
import org.kvsched.metrics.app.MetricsSinkApp;
import org.kvsched.pipeline.service.Service;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.pipeline.topic.TopicProvisioner;
import org.kvsched.stream.app.SchedulerApp;
import org.kvsched.worker.app.WorkerApp;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * docker-compose.yml and the Dockerfile stay in step with the code (docs/kafka-pipeline.md, "Configuration keys and
 * the compose file"). For every service run from the project's image: its main class exists; for a pipeline service,
 * its environment, loaded into a {@link ServiceConfig} and given to the factory its {@code main} uses (which reads
 * every key and starts nothing), is accepted and leaves no key unread; for the CLI, its arguments parse. Every
 * {@code depends_on} names a service of the file. {@code docker-compose config -q} in .ci/run checks the file's
 * schema; this test checks what the schema cannot know.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");
    private static final String IMAGE = "kvsched:latest";

    /** Main class of each pipeline service, and the factory its {@code main} hands to ServiceMain. */
    private static final Map<String, Function<ServiceConfig, Service>> PIPELINE = Map.of(
            SchedulerApp.class.getName(), SchedulerApp::fromConfig,
            WorkerApp.class.getName(), WorkerApp::new,
            MetricsSinkApp.class.getName(), c -> new MetricsSinkApp(c, System.out),
            ArrivalsProducerApp.class.getName(), ArrivalsProducerApp::new,
            TopicProvisioner.class.getName(), TopicProvisioner::new);

    @Test
    void theComposeFileIsInStepWithTheServices() throws IOException {
        assertEquals(List.of(), problems(compose()));
    }

    @Test
    void aMisspeltKeyOnAServiceIsCaught() throws IOException {
        final String yaml = insertAfter(compose(), "      KVSCHED_POLICY: ${POLICY:-fcfs-vllm}\n", "      KVSCHED_POLCY: sarathi\n");
        assertEquals(List.of("scheduler-stream: config: key 'polcy' (env KVSCHED_POLCY) is not read by scheduler-stream"), problems(yaml));
    }

    @Test
    void aKeyInTheSharedBlockMustBeReadByEveryServiceThatMergesIt() throws IOException {
        // The scheduler reads policy; the other four services merge the same block and do not.
        // The shared block's own line: the topics service sets the same variable, further indented, outside the block.
        final String yaml = insertAfter(compose(), "&kvsched-env\n  KVSCHED_BOOTSTRAP_SERVERS: kafka:9092\n", "  KVSCHED_POLICY: sarathi\n");
        final List<String> p = problems(yaml);
        assertEquals(4, p.size(), p.toString());
        for (final String service : List.of("gpu-worker-sim", "gpu-worker-vllm", "metrics-sink", "arrivals-producer")) {
            assertTrue(p.contains(service + ": config: key 'policy' (env KVSCHED_POLICY) is not read by " + service), p.toString());
        }
    }

    @Test
    void variableDefaultsAreParsedByTheServiceItself() throws IOException {
        final String yaml = compose().replace("KVSCHED_POLICY: ${POLICY:-fcfs-vllm}", "KVSCHED_POLICY: ${POLICY:-no-such-policy}");
        final List<String> p = problems(yaml);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("scheduler-stream: settings rejected: ") && p.get(0).contains("no-such-policy"), p.get(0));
    }

    @Test
    void unknownDependenciesAndMainClassesAreCaught() throws IOException {
        final String yaml = compose()
                .replace("      gpu-worker-sim: {condition: service_started}\n", "      gpu-worker: {condition: service_started}\n")
                .replace("[\"org.kvsched.worker.app.WorkerApp\"]", "[\"org.kvsched.worker.WorkerApp\"]");
        assertEquals(List.of("gpu-worker-sim: main class org.kvsched.worker.WorkerApp not found",
                "gpu-worker-vllm: main class org.kvsched.worker.WorkerApp not found",
                "arrivals-producer: depends_on names no service: gpu-worker",
                "no service runs org.kvsched.worker.app.WorkerApp"), problems(yaml));
    }

    @Test
    void badCliArgumentsAndServiceConfigOnTheCliAreCaught() throws IOException {
        final String yaml = insertAfter(compose().replace("\"--port\", \"8000\"", "\"--prot\", \"8000\""),
                "    profiles: [vllm-sim]\n", "    environment:\n      KVSCHED_SPEED: \"2\"\n");
        final List<String> p = problems(yaml);
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("vllm-sim: arguments do not parse: ") && p.get(0).contains("--prot"), p.get(0));
        assertEquals("vllm-sim: KVSCHED_* variables set, but org.kvsched.cli.KvschedCli reads no ServiceConfig: [KVSCHED_SPEED]", p.get(1));
    }

    @Test
    void yamlAliasesResolveAndMergedKeysLoseToExplicitOnes() throws IOException {
        final JsonNode root = readYaml("base: &b {A: one, B: two}\nlist: &l [x, y]\nuse:\n  <<: *b\n  B: mine\n  C: ${V:-dflt}\n  L: *l\n");
        assertEquals("{\"A\":\"one\",\"B\":\"mine\",\"C\":\"${V:-dflt}\",\"L\":[\"x\",\"y\"]}", root.get("use").toString());
        assertEquals(Map.of("A", "one", "B", "mine", "C", "dflt"), environment(readYaml("environment:\n  <<: {A: one}\n  B: mine\n  C: ${V:-dflt}\n")));
        assertEquals(Map.of("A", "$x", "B", "", "C", "d"), environment(readYaml("environment: [\"A=$$x\", \"B=${UNSET}\", \"C=${U-d}\", \"D\"]\n")));
    }

    /**
     * The Dockerfile's build stage copies every Maven module (its {@code mvn package} at the root needs them all),
     * the jar its entrypoint runs is the CLI's shaded jar, and its default main class exists.
     */
    @Test
    void theDockerfileBuildsEveryModuleAndStartsAClassThatExists() throws Exception {
        final List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile"));
        final Set<String> copied = new TreeSet<>();
        String jarCopy = null;
        JsonNode entrypoint = null;
        JsonNode cmd = null;
        final ObjectMapper json = new ObjectMapper();
        for (final String line : lines) {
            final String[] w = line.trim().split("\\s+", 2);
            if (w[0].equals("COPY") && w[1].startsWith("--from=build ")) {
                jarCopy = w[1].substring("--from=build ".length());
            } else if (w[0].equals("COPY")) {
                copied.add(w[1].split("\\s+")[0]);
            } else if (w[0].equals("ENTRYPOINT")) {
                entrypoint = json.readTree(w[1]);
            } else if (w[0].equals("CMD")) {
                cmd = json.readTree(w[1]);
            }
        }
        final Set<String> modules = new TreeSet<>(xpath(ROOT.resolve("pom.xml"), "/project/modules/module"));
        assertTrue(copied.containsAll(modules), "Dockerfile copies " + copied + ", the build has modules " + modules);
        final String finalName = xpath(ROOT.resolve("cli/pom.xml"), "//*[local-name()='finalName']").get(0);
        assertEquals("/src/cli/target/" + finalName + ".jar /app/kvsched.jar", jarCopy);
        assertEquals("[\"java\",\"-cp\",\"/app/kvsched.jar\"]", String.valueOf(entrypoint));
        assertTrue(cmd != null && hasMain(cmd.get(0).asText()), "CMD " + cmd);
    }

    // ---- the check ----

    /** What is wrong with a compose file, one line each; empty when it is in step with the code. */
    static List<String> problems(final String composeYaml) throws IOException {
        final JsonNode services = readYaml(composeYaml).path("services");
        final List<String> problems = new ArrayList<>();
        final Set<String> mains = new TreeSet<>();
        for (final Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> e = it.next();
            checkService(e.getKey(), e.getValue(), services, mains, problems);
        }
        for (final String main : new TreeSet<>(PIPELINE.keySet())) {
            if (!mains.contains(main)) {
                problems.add("no service runs " + main);
            }
        }
        return problems;
    }

    private static void checkService(final String name, final JsonNode service, final JsonNode services, final Set<String> mains,
                                     final List<String> problems) {
        final JsonNode dependsOn = service.path("depends_on");
        final List<String> deps = new ArrayList<>();
        dependsOn.fieldNames().forEachRemaining(deps::add);
        dependsOn.elements().forEachRemaining(d -> {
            if (d.isTextual()) {
                deps.add(d.asText());
            }
        });
        final List<String> depProblems = deps.stream().filter(d -> !services.has(d)).map(d -> name + ": depends_on names no service: " + d).toList();
        if (!IMAGE.equals(service.path("image").asText())) {
            problems.addAll(depProblems);
            return;
        }
        final List<String> command = new ArrayList<>();
        service.path("command").elements().forEachRemaining(c -> command.add(interpolate(c.asText())));
        if (command.isEmpty()) {
            problems.add(name + ": command must be a list starting with the main class");
            problems.addAll(depProblems);
            return;
        }
        final String main = command.get(0);
        final Map<String, String> env = environment(service);
        if (!hasMain(main)) {
            problems.add(name + ": main class " + main + " not found");
        } else if (PIPELINE.containsKey(main)) {
            mains.add(main);
            checkPipelineService(name, PIPELINE.get(main), env, problems);
        } else {
            if (main.equals(KvschedCli.class.getName())) {
                try {
                    KvschedCli.commandLine().parseArgs(command.subList(1, command.size()).toArray(String[]::new));
                } catch (final CommandLine.ParameterException e) {
                    problems.add(name + ": arguments do not parse: " + e.getMessage());
                }
            }
            final Set<String> vars = new TreeSet<>(env.keySet());
            vars.removeIf(v -> !v.startsWith(ServiceConfig.ENV_PREFIX));
            if (!vars.isEmpty()) {
                problems.add(name + ": KVSCHED_* variables set, but " + main + " reads no ServiceConfig: " + vars);
            }
        }
        problems.addAll(depProblems);
    }

    /** Builds the service as its main does (no Kafka work happens before start()) and asks which keys it left unread. */
    private static void checkPipelineService(final String name, final Function<ServiceConfig, Service> factory, final Map<String, String> env,
                                             final List<String> problems) {
        final ServiceConfig config = ServiceConfig.load(new String[0], env);
        try (Service ignored = factory.apply(config)) {
            config.unreadWarning(name).ifPresent(w -> problems.add(name + ": " + w));
        } catch (final RuntimeException e) {
            problems.add(name + ": settings rejected: " + e.getMessage());
        }
    }

    private static boolean hasMain(final String className) {
        try {
            final Method m = Class.forName(className).getMethod("main", String[].class);
            return Modifier.isStatic(m.getModifiers()) && m.getReturnType() == void.class;
        } catch (final ClassNotFoundException | NoSuchMethodException e) {
            return false;
        }
    }

    /** A service's environment (map or list form), merged and with variables replaced by their defaults. */
    static Map<String, String> environment(final JsonNode service) {
        final Map<String, String> env = new LinkedHashMap<>();
        final JsonNode e = service.path("environment");
        if (e.isObject()) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().isNull() ? "" : interpolate(f.getValue().asText())));
        } else {
            // List form: KEY=VALUE; a bare KEY passes the host's value through, which no default describes.
            e.elements().forEachRemaining(item -> {
                final String s = item.asText();
                final int eq = s.indexOf('=');
                if (eq > 0) {
                    env.put(s.substring(0, eq), interpolate(s.substring(eq + 1)));
                }
            });
        }
        return env;
    }

    // $$ is a literal $; ${VAR:-default} and ${VAR-default} stand for the default, ${VAR} for an unset variable's "".
    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?}");

    /** A value as compose gives it when no variable of the host's environment is set. */
    static String interpolate(final String value) {
        final Matcher m = VARIABLE.matcher(value);
        final StringBuilder sb = new StringBuilder();
        while (m.find()) {
            final String replacement = m.group().equals("$$") ? "$" : m.group(1) == null ? "" : m.group(1);
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(sb).toString();
    }

    // ---- YAML with anchors ----

    private static final YAMLFactory YAML = new YAMLFactory();

    /**
     * Reads YAML into a Jackson tree. Jackson's YAML parser reports an alias ({@code *name}) as a string holding the
     * anchor's name and keeps a merge key ({@code <<}) as an ordinary field, so this reader replaces each alias by the
     * node its anchor marks and merges {@code <<} values into their mapping, explicit keys winning (YAML 1.1
     * merge-key type). Scalars become text, which is how compose hands them to a container's environment.
     */
    static JsonNode readYaml(final String yaml) throws IOException {
        try (YAMLParser p = YAML.createParser(yaml)) {
            p.nextToken();
            return node(p, new HashMap<>());
        }
    }

    private static JsonNode node(final YAMLParser p, final Map<String, JsonNode> anchors) throws IOException {
        if (p.isCurrentAlias()) {
            final JsonNode target = anchors.get(p.getText());
            if (target == null) {
                throw new IOException("YAML alias *" + p.getText() + " names no anchor");
            }
            return target;
        }
        final String anchor = p.getObjectId();
        final JsonNode n;
        if (p.currentToken() == JsonToken.START_OBJECT) {
            final ObjectNode merged = JsonNodeFactory.instance.objectNode();
            final ObjectNode explicit = JsonNodeFactory.instance.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String field = p.currentName();
                p.nextToken();
                final JsonNode value = node(p, anchors);
                if (field.equals("<<")) {
                    // A mapping or a list of mappings; earlier ones win over later ones, as in the YAML spec.
                    final List<JsonNode> sources = value.isArray() ? elements(value) : List.of(value);
                    for (int i = sources.size() - 1; i >= 0; i--) {
                        if (!sources.get(i).isObject()) {
                            throw new IOException("YAML merge key '<<' needs a mapping, got " + sources.get(i));
                        }
                        merged.setAll((ObjectNode) sources.get(i));
                    }
                } else {
                    explicit.set(field, value);
                }
            }
            merged.setAll(explicit);
            n = merged;
        } else if (p.currentToken() == JsonToken.START_ARRAY) {
            final ArrayNode a = JsonNodeFactory.instance.arrayNode();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                a.add(node(p, anchors));
            }
            n = a;
        } else {
            n = p.currentToken() == JsonToken.VALUE_NULL ? NullNode.getInstance() : TextNode.valueOf(p.getText());
        }
        if (anchor != null) {
            anchors.put(anchor, n);
        }
        return n;
    }

    private static List<JsonNode> elements(final JsonNode array) {
        final List<JsonNode> list = new ArrayList<>();
        array.elements().forEachRemaining(list::add);
        return list;
    }

    // ---- helpers ----

    private static String compose() throws IOException {
        return Files.readString(ROOT.resolve("docker-compose.yml"));
    }

    private static String insertAfter(final String text, final String anchorLine, final String inserted) {
        assertTrue(text.contains(anchorLine), "the compose file no longer has the line " + anchorLine.trim());
        return text.replace(anchorLine, anchorLine + inserted);
    }

    private static List<String> xpath(final Path xml, final String expression) throws Exception {
        final NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(expression,
                DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile()), XPathConstants.NODESET);
        final List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent().trim());
        }
        return values;
    }
}
