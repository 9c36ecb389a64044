package org.kvsched.pipeline.mapping;

import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;

/** Request lifecycle events, both directions: the scheduler encodes them, the metrics sink decodes them. */
public final class EventMapping {

    private EventMapping() {
    }

    public static org.kvsched.schemas.avro.RequestEvent encode(final RequestEvent e) {
        return new org.kvsched.schemas.avro.RequestEvent(org.kvsched.schemas.avro.RequestEventKind.valueOf(e.kind().name()), e.requestId(),
                e.replicaId(), e.timeUs(), e.promptTokens(), e.maxTokens(), e.generatedTokens(), e.reason());
    }

    public static RequestEvent decode(final org.kvsched.schemas.avro.RequestEvent e) {
        return new RequestEvent(RequestEventKind.valueOf(e.getKind().name()), e.getRequestId(), e.getReplicaId(), e.getTimeUs(),
                e.getPromptTokens(), e.getMaxTokens(), e.getGeneratedTokens(), e.getReason());
    }
}
