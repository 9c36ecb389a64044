package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code kvsched vllm-sim} refuses bad settings before it listens (the server itself is tested in vllm-sim). */
class VllmSimCommandTest {

    @Test
    void badSettingsFailAtStartWithExitCode2() {
        assertEquals(2, CliRunner.run("vllm-sim", "--speed", "0", "--port", "0").exitCode());
        assertEquals(2, CliRunner.run("vllm-sim", "--model", "no-such-model", "--port", "0").exitCode());
        // A max model length beyond the KV capacity: vLLM refuses to start too.
        assertEquals(2, CliRunner.run("vllm-sim", "--kv-capacity", "1024", "--max-model-len", "2048", "--port", "0").exitCode());
        assertEquals(2, CliRunner.run("vllm-sim", "--eos", "nonsense:1", "--port", "0").exitCode());
    }
}
