package io.shardview.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentErrorsTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheErrorModelsCodeAndMessageAndThePrometheusForm() {
        RecentErrors errors = new RecentErrors();
        errors.observe(
                "POST",
                "/v1/tenants/a/ingest",
                409,
                "application/json",
                utf8("{\"error\": {\"code\": \"conflict\", \"message\": \"key 1 exists\", \"details\": {}}}"));
        errors.observe(
                "GET",
                "/v1/tenants/a/prom/api/v1/query",
                400,
                "application/json",
                utf8("{\"status\": \"error\", \"errorType\": \"bad_data\", \"error\": \"1:3: parse error\"}"));
        errors.observe("GET", "/v1/tenants/a/views/v", 404, "text/plain", utf8("not json"));
        List<RecentErrors.Entry> latest = errors.of("a", 10);
        assertEquals(3, latest.size());
        assertEquals("http_404", latest.get(0).code());
        assertEquals("bad_data", latest.get(1).code());
        assertEquals("1:3: parse error", latest.get(1).message());
        assertEquals("conflict", latest.get(2).code());
        assertEquals("key 1 exists", latest.get(2).message());
        assertEquals(409, latest.get(2).status());
    }

    @Test
    void keepsNeitherSuccessNorAuthRefusalsNorPathsOutsideATenant() {
        RecentErrors errors = new RecentErrors();
        errors.observe("POST", "/v1/tenants/a/sql", 200, "application/json", utf8("{}"));
        errors.observe("POST", "/v1/tenants/a/sql", 401, "application/json", utf8("{}"));
        errors.observe("POST", "/v1/tenants/a/sql", 403, "application/json", utf8("{}"));
        errors.observe("GET", "/v1/tenants/a", 404, "application/json", utf8("{}"));
        errors.observe("GET", "/v1/cluster", 500, "application/json", utf8("{}"));
        errors.observe("GET", "/v1/tenants/Bad%20Name/sql", 400, "application/json", utf8("{}"));
        assertEquals(List.of(), errors.of("a", 10));
        assertNull(RecentErrors.tenantOf("/v1/tenants/Bad%20Name/sql"));
        assertEquals("a-1", RecentErrors.tenantOf("/v1/tenants/a-1/views/v/changes"));
    }

    @Test
    void memoryIsBoundedPerTenantAndInTenants() {
        RecentErrors errors = new RecentErrors();
        for (int i = 0; i < RecentErrors.PER_TENANT + 10; i++)
            errors.observe(
                    "POST",
                    "/v1/tenants/a/sql",
                    400,
                    "application/json",
                    utf8("{\"error\": {\"code\": \"c" + i + "\"}}"));
        List<RecentErrors.Entry> latest = errors.of("a", 1_000);
        assertEquals(RecentErrors.PER_TENANT, latest.size());
        assertEquals("c" + (RecentErrors.PER_TENANT + 9), latest.get(0).code());
        for (int t = 0; t < RecentErrors.TENANTS + 5; t++)
            errors.observe("POST", "/v1/tenants/t" + t + "/sql", 400, null, null);
        assertEquals(List.of(), errors.of("a", 10), "the tenant with the oldest errors is forgotten first");
        assertEquals(1, errors.of("t" + (RecentErrors.TENANTS + 4), 10).size());
        String longMessage = "x".repeat(10_000);
        errors.observe(
                "POST",
                "/v1/tenants/b/sql",
                400,
                "application/json",
                utf8("{\"error\": {\"code\": \"c\", \"message\": \"" + longMessage + "\"}}"));
        assertTrue(errors.of("b", 1).get(0).message().length() <= 500);
    }
}
