package io.shardview.entity.rules;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.shardview.metrics.rules.Alert;
import io.shardview.metrics.rules.RuleHealth;
import java.util.List;

/**
 * The journal events of a tenant's rules ({@link TenantRules}) and of one rule group ({@link GroupRuler}). Written as
 * Jackson CBOR with an explicit type name in the payload (config/serialization.conf, serializer {@code rules-events}),
 * so classes can be renamed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RulesEvent.NamespacePut.class, name = "rules-namespace-put.v1"),
    @JsonSubTypes.Type(value = RulesEvent.NamespaceDeleted.class, name = "rules-namespace-deleted.v1"),
    @JsonSubTypes.Type(value = RulesEvent.GroupConfigured.class, name = "rule-group-configured.v1"),
    @JsonSubTypes.Type(value = RulesEvent.GroupEvaluated.class, name = "rule-group-evaluated.v1"),
    @JsonSubTypes.Type(value = RulesEvent.GroupRemoved.class, name = "rule-group-removed.v1"),
    @JsonSubTypes.Type(value = RulesEvent.GroupSnapshot.class, name = "rule-group-snapshot.v1")
})
public sealed interface RulesEvent {

    /** A namespace's rule file, put whole (checked before it is journaled). */
    record NamespacePut(String namespace, String yaml) implements RulesEvent {}

    /** A namespace deleted with its groups. */
    record NamespaceDeleted(String namespace) implements RulesEvent {}

    /** A group's definition: a rule file holding that one group. */
    record GroupConfigured(String yaml) implements RulesEvent {}

    /**
     * A group evaluated at {@code time} (milliseconds), its results stored: the state the next evaluation starts from,
     * per rule its alerts and health. {@code skipped} evaluation times were given up before it (older than the
     * catch-up horizon).
     */
    record GroupEvaluated(long time, long skipped, List<List<Alert>> alerts, List<RuleHealth> health)
            implements RulesEvent {}

    /** The group was removed from its namespace: it evaluates no more. */
    record GroupRemoved() implements RulesEvent {}

    /**
     * Not an event but a group's snapshot, in the same form: its definition and what its last evaluation left
     * (null {@code yaml}: never configured).
     */
    record GroupSnapshot(
            String yaml,
            long lastEvaluation,
            long skipped,
            boolean removed,
            List<List<Alert>> alerts,
            List<RuleHealth> health)
            implements RulesEvent {}
}
