package io.shardview.node.journal;

/**
 * Which persistence ids are a tenant's, for the tools that take a tenant's name (list, export): its circuit, its
 * metrics shards and their metadata, its rule namespaces and each of its rule groups (whose ids begin with the tenant,
 * which tenant names make the same URL-encoded).
 */
final class TenantJournal {
    private TenantJournal() {}

    /** Whether {@code persistenceId} is one of {@code tenant}'s entities. */
    static boolean owns(String persistenceId, String tenant) {
        return persistenceId.equals("tenant|" + tenant)
                || persistenceId.startsWith("metrics|" + tenant + ".")
                || persistenceId.equals("metrics-metadata|" + tenant)
                || persistenceId.equals("rules|" + tenant)
                || persistenceId.startsWith("rule-group|" + tenant + "/");
    }
}
