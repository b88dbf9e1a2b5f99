package io.shardview.circuit.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pages' sizes: a G1 region each once the table is large, and rows read back from whichever page holds them. */
class RowPagesTest {
    @Test
    void theLargestPageFillsAG1RegionAnOffsetReaches() {
        assertEquals((1 << 20) - 64, RowPages.largestPage(1 << 20));
        assertEquals((2 << 20) - 64, RowPages.largestPage(2 << 20));
        // A larger region (a heap of 8 GiB or more) or another collector: as much as an offset reaches.
        assertEquals(1 << RowPages.OFFSET_BITS, RowPages.largestPage(4 << 20));
        assertEquals(1 << RowPages.OFFSET_BITS, RowPages.largestPage(0));
    }

    @Test
    void pagesGrowToTheLargestWithoutSizesBetweenHalfOfItAndItAndRowsReadBack() {
        RowPages pages = new RowPages();
        List<byte[]> rows = new ArrayList<>();
        List<Integer> addresses = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            byte[] row = new byte[20 + i % 180]; // one-byte and four-byte length headers
            Arrays.fill(row, (byte) i);
            rows.add(row);
            addresses.add(pages.add(row));
        }
        byte[][] all = pages.snapshot();
        int largest = 0;
        for (byte[] page : all) {
            if (page == null) continue;
            assertTrue(
                    page.length <= RowPages.MAX_PAGE_BYTES / 2 || page.length == RowPages.MAX_PAGE_BYTES,
                    page.length + " bytes: between half the largest page and the largest (" + RowPages.MAX_PAGE_BYTES
                            + ")");
            largest = Math.max(largest, page.length);
        }
        assertEquals(RowPages.MAX_PAGE_BYTES, largest, "6.6 MB of rows reach the largest page");
        for (int i = 0; i < rows.size(); i++) {
            int at = addresses.get(i);
            byte[] page = pages.page(at);
            int offset = pages.rowOffset(at);
            assertArrayEquals(rows.get(i), Arrays.copyOfRange(page, offset, offset + pages.rowLength(at)), "row " + i);
        }
    }
}
