package org.kvsched.cli;

import java.util.concurrent.Callable;

import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.workload.EosModel;
import org.kvsched.vllmsim.VllmSimServer;
import org.kvsched.vllmsim.VllmSimSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kvsched vllm-sim}: a GPU-less stand-in for a vLLM server (docs/vllm-sim.md). Prints one line with its
 * URL once it listens, then serves until Ctrl-C.
 */
@Command(name = "vllm-sim", mixinStandardHelpOptions = true,
        description = "Serve vLLM's completions API, /v1/models, /health and /metrics without a GPU: continuous batching "
                + "with fcfs-vllm on the model's execution times, in wall-clock time (docs/vllm-sim.md).")
final class VllmSimCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "NAME", defaultValue = ModelCatalog.DEFAULT_NAME,
            description = "Model profile whose execution times and KV geometry the server models; see 'kvsched models' "
                    + "(default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = "The name clients send as 'model' (default: the profile's name).")
    String servedModelName;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Interface to listen on; 0.0.0.0 for all (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8000",
            description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "1",
            description = "Run X times faster than the modelled GPU: wall time = modelled time / X (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--kv-capacity", paramLabel = "TOKENS", defaultValue = "0",
            description = "KV-cache capacity, tokens, a multiple of the block size (0 = the profile's); like vLLM's "
                    + "--num-gpu-blocks-override x block size.")
    int kvCapacity;

    @Option(names = "--max-num-seqs", paramLabel = "N", defaultValue = "" + VllmSimSettings.DEFAULT_MAX_NUM_SEQS,
            description = "Cap on running requests, as vLLM's --max-num-seqs (default: ${DEFAULT-VALUE}).")
    int maxNumSeqs;

    @Option(names = "--max-num-batched-tokens", paramLabel = "N", defaultValue = "" + VllmSimSettings.DEFAULT_MAX_NUM_BATCHED_TOKENS,
            description = "Token budget per iteration, as vLLM's --max-num-batched-tokens (default: ${DEFAULT-VALUE}).")
    int maxNumBatchedTokens;

    @Option(names = "--max-model-len", paramLabel = "TOKENS", defaultValue = "0",
            description = "Longest prompt + max_tokens accepted (0 = the smaller of the model's context and the KV capacity).")
    int maxModelLen;

    @Option(names = "--eos", paramLabel = "SPEC", defaultValue = VllmSimSettings.DEFAULT_EOS,
            description = "Output-length distribution of requests without ignore_eos, as in a workload spec "
                    + "(default: ${DEFAULT-VALUE}).")
    String eos;

    @Option(names = "--stream-interval", paramLabel = "TOKENS", defaultValue = "1",
            description = "Tokens per streamed chunk, as vLLM's --stream-interval: fewer chunks for the client to parse at high "
                    + "speed; the first token and the finish leave at once (default: ${DEFAULT-VALUE}).")
    int streamInterval;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the output-length draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        final ModelProfile profile = ModelCatalog.configured(model, kvCapacity, "--model/--kv-capacity");
        final VllmSimSettings defaults = VllmSimSettings.defaults(profile);
        if (maxModelLen < 0) {
            throw new IllegalArgumentException("--max-model-len must be >= 0, got " + maxModelLen);
        }
        final VllmSimSettings settings = new VllmSimSettings(profile,
                servedModelName == null ? profile.name() : servedModelName, host, port, speed, maxNumSeqs,
                maxNumBatchedTokens, maxModelLen == 0 ? defaults.maxModelLen() : maxModelLen, EosModel.parse(eos, seed), streamInterval);
        final VllmSimServer server = VllmSimServer.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "vllm-sim-shutdown"));
        System.out.printf("vllm-sim: serving %s at %s (speed %s, KV %,d tokens, max-num-seqs %d, max-model-len %d, stream-interval %d)%n",
                settings.servedModelName(), server.url(), speed, profile.kvCapacityTokens(), maxNumSeqs, settings.maxModelLen(),
                streamInterval);
        System.out.flush();
        server.join();
        return 0;
    }
}
