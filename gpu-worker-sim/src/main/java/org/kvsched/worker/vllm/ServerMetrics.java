package org.kvsched.worker.vllm;

/**
 * The figures the adapter reads from a vLLM server's Prometheus {@code /metrics} text: KV use as a fraction
 * ({@code vllm:kv_cache_usage_perc}, or the older {@code vllm:gpu_cache_usage_perc}), running and waiting requests,
 * and the server's own preemptions so far. Values of several engines (label {@code engine}) are summed, the KV
 * fraction averaged. A figure the server does not export is NaN.
 *
 * @param kvUsage       KV cache in use, 0..1
 * @param running       requests running
 * @param waiting       requests waiting in the server's own queue
 * @param preemptions   preemptions the server made itself, since it started
 */
public record ServerMetrics(double kvUsage, double running, double waiting, double preemptions) {

    /** Parses the Prometheus text exposition format (only the samples named above are read). */
    public static ServerMetrics parse(final String text) {
        final double[] sum = new double[5];
        final int[] n = new int[5];
        for (final String raw : text.split("\n")) {
            final String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final int brace = line.indexOf('{');
            final int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            final String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space).trim();
            final int slot;
            switch (name) {
                case "vllm:kv_cache_usage_perc":
                    slot = 0;
                    break;
                case "vllm:gpu_cache_usage_perc":
                    slot = 1;
                    break;
                case "vllm:num_requests_running":
                    slot = 2;
                    break;
                case "vllm:num_requests_waiting":
                    slot = 3;
                    break;
                case "vllm:num_preemptions_total":
                    slot = 4;
                    break;
                default:
                    continue;
            }
            try {
                sum[slot] += Double.parseDouble(line.substring(space + 1));
                n[slot]++;
            } catch (final NumberFormatException e) {
                // A sample we cannot read is a sample we do not have.
            }
        }
        final double kv = n[0] > 0 ? sum[0] / n[0] : n[1] > 0 ? sum[1] / n[1] : Double.NaN;
        return new ServerMetrics(kv, n[2] > 0 ? sum[2] : Double.NaN, n[3] > 0 ? sum[3] : Double.NaN, n[4] > 0 ? sum[4] : Double.NaN);
    }
}
