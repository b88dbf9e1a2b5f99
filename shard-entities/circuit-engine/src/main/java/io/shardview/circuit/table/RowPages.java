package io.shardview.circuit.table;

/**
 * Packed rows appended into pages (byte arrays), each row addressed by one int: its page's index plus one above
 * {@link #OFFSET_BITS}, its offset in the page below. A row is a length (one byte below 128, else four with the top bit
 * set) and its {@link io.shardview.circuit.data.RowBytes}. Written once and never again: a changed row is appended anew
 * and its old bytes become garbage, so whoever holds a page (a snapshot being written) reads it unchanged. A page whose
 * garbage passes half of it is compacted: its live rows are appended again and the page dropped.
 *
 * <p>Pages grow with the table, from 256 bytes to {@link #MAX_PAGE_BYTES}, so a small table costs little; a row
 * longer than that has a page of its own. At most 1,023 pages: 2 GiB of rows, 1 GiB under a heap below 4 GiB (whose
 * G1 regions are 1 MiB).
 */
final class RowPages {
    static final int OFFSET_BITS = 21;
    private static final int OFFSET_MASK = (1 << OFFSET_BITS) - 1;
    /** Room G1 keeps in a region beside a byte array's elements: its header, with some to spare. */
    private static final int ARRAY_HEADER_ROOM = 64;

    static final int MAX_PAGE_BYTES = largestPage(g1RegionBytes());
    private static final int MIN_PAGE_BYTES = 256;
    private static final int MAX_PAGES = (1 << (31 - OFFSET_BITS)) - 1;

    /**
     * The largest page: a whole G1 region less room for the array's header where a region is one an offset reaches
     * (1 or 2 MiB: heaps under 8 GiB), else 2 MiB. G1 gives an array of half a region or more regions of its own
     * (humongous), which no young collection copies. A table's pages outlive every batch: allocated young, as the 256
     * KiB pages before were, each young collection copied them from survivor space to survivor space until they were
     * tenured, 50-88 ms pauses with 70 MB of pages (bench/RESULTS.md, "An eighteenth machine"). A region's size less the
     * room, not half of it, so that the region holds no waste.
     */
    static int largestPage(long g1RegionBytes) {
        if (g1RegionBytes >= 1 << 20 && g1RegionBytes <= 1 << OFFSET_BITS)
            return (int) g1RegionBytes - ARRAY_HEADER_ROOM;
        return 1 << OFFSET_BITS;
    }

    /** G1's region size, or 0 under another collector (or where the JVM does not say). */
    private static long g1RegionBytes() {
        try {
            var vm = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            if (!"true".equals(vm.getVMOption("UseG1GC").getValue())) return 0;
            return Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    /** Moves the live row at {@code at} (its bytes at {@code offset} of {@code page}); false if it is garbage. */
    @FunctionalInterface
    interface Relocator {
        boolean relocate(int at, byte[] page, int offset);
    }

    private byte[][] pages = new byte[4][];
    /** Bytes written into each page, and of those the bytes of rows released since. */
    private int[] used = new int[4];

    private int[] garbage = new int[4];
    /** Indexes of dropped pages, to be used again. */
    private int[] free = new int[4];

    private int freeCount;
    private int pageCount;
    private int tail = -1;
    private long stored;

    /** Appends a packed row; returns its address. */
    int add(byte[] row) {
        int length = row.length;
        int header = length < 0x80 ? 1 : 4;
        int need = header + length;
        if (tail < 0 || used[tail] + need > pages[tail].length) newTail(need);
        byte[] page = pages[tail];
        int at = used[tail];
        if (header == 1) {
            page[at] = (byte) length;
        } else {
            int flagged = length | 0x80000000;
            page[at] = (byte) (flagged >>> 24);
            page[at + 1] = (byte) (flagged >>> 16);
            page[at + 2] = (byte) (flagged >>> 8);
            page[at + 3] = (byte) flagged;
        }
        System.arraycopy(row, 0, page, at + header, length);
        used[tail] = at + need;
        stored += need;
        return address(tail, at);
    }

    /** Appends again the row at {@code at} (a compaction moving it); returns its new address. */
    int copy(int at) {
        byte[] page = page(at);
        int offset = rowOffset(at);
        byte[] row = java.util.Arrays.copyOfRange(page, offset, offset + rowLength(at));
        return add(row);
    }

    /** The page a row is in. */
    byte[] page(int at) {
        return pages[(at >>> OFFSET_BITS) - 1];
    }

    /** Where a row's packed bytes start in its page. */
    int rowOffset(int at) {
        byte[] page = page(at);
        int offset = at & OFFSET_MASK;
        return offset + ((page[offset] & 0x80) == 0 ? 1 : 4);
    }

    /** The length of a row's packed bytes. */
    int rowLength(int at) {
        return length(page(at), at & OFFSET_MASK);
    }

    /**
     * The row at {@code at} is no longer stored; returns its page when that page should now be compacted (more garbage
     * than rows, and not the page being filled), else -1.
     */
    int release(int at) {
        int page = (at >>> OFFSET_BITS) - 1;
        int length = length(pages[page], at & OFFSET_MASK);
        garbage[page] += (length < 0x80 ? 1 : 4) + length;
        return page != tail && garbage[page] * 2 > used[page] ? page : -1;
    }

    /**
     * Moves a page's live rows to the tail ({@code relocator} updates where they are) and drops the page (nothing if it
     * was dropped already).
     */
    void compact(int page, Relocator relocator) {
        byte[] bytes = pages[page];
        if (bytes == null || page == tail) return;
        int end = used[page];
        for (int offset = 0; offset < end; ) {
            int length = length(bytes, offset);
            int header = (bytes[offset] & 0x80) == 0 ? 1 : 4;
            relocator.relocate(address(page, offset), bytes, offset + header);
            offset += header + length;
        }
        stored -= used[page];
        pages[page] = null;
        used[page] = 0;
        garbage[page] = 0;
        if (freeCount == free.length) free = java.util.Arrays.copyOf(free, free.length * 2);
        free[freeCount++] = page;
    }

    /** The bytes of every page, garbage and room left included. */
    long capacity() {
        long bytes = 0;
        for (byte[] page : pages) if (page != null) bytes += page.length;
        return bytes;
    }

    /** The pages as they are now (a page's written bytes never change). */
    byte[][] snapshot() {
        return pages.clone();
    }

    /** Calls {@code row} with the bytes of the row at {@code at} in {@code pages} (a {@link #snapshot}). */
    static void visit(byte[][] pages, int at, PackedRows.PackedRow row) {
        byte[] page = pages[(at >>> OFFSET_BITS) - 1];
        int offset = at & OFFSET_MASK;
        row.accept(page, offset + ((page[offset] & 0x80) == 0 ? 1 : 4), length(page, offset));
    }

    private static int length(byte[] page, int offset) {
        int first = page[offset];
        if ((first & 0x80) == 0) return first;
        return ((first & 0x7F) << 24)
                | (page[offset + 1] & 0xFF) << 16
                | (page[offset + 2] & 0xFF) << 8
                | (page[offset + 3] & 0xFF);
    }

    private static int address(int page, int offset) {
        return (page + 1) << OFFSET_BITS | offset;
    }

    /**
     * Starts a new page to append to, sized by what is stored (so pages grow with the table) and at least the row
     * about to be added; the page left behind is compacted if most of it is garbage already.
     */
    private void newTail(int need) {
        int previous = tail;
        int size = (int) Math.min(MAX_PAGE_BYTES, Math.max(MIN_PAGE_BYTES, Long.highestOneBit(Math.max(1, stored))));
        // A page of half a region or more takes a region of its own: past half the largest page, the largest.
        if (size > MAX_PAGE_BYTES / 2) size = MAX_PAGE_BYTES;
        if (need > size) size = need;
        int index;
        if (freeCount > 0) {
            index = free[--freeCount];
        } else {
            if (pageCount == MAX_PAGES) {
                throw new IllegalStateException(
                        "a table holds at most " + MAX_PAGES + " pages of " + MAX_PAGE_BYTES + " bytes of rows");
            }
            index = pageCount++;
            if (index == pages.length) {
                int grown = pages.length * 2;
                pages = java.util.Arrays.copyOf(pages, grown);
                used = java.util.Arrays.copyOf(used, grown);
                garbage = java.util.Arrays.copyOf(garbage, grown);
            }
        }
        pages[index] = new byte[size];
        used[index] = 0;
        garbage[index] = 0;
        tail = index;
        if (previous >= 0 && garbage[previous] * 2 > used[previous]) pending = previous;
    }

    /** A page left behind by {@link #newTail} that should be compacted by the caller ({@link #takePending}), or -1. */
    private int pending = -1;

    /** The page a new tail left behind when it is mostly garbage (the caller compacts it), else -1; taken once. */
    int takePending() {
        int page = pending;
        pending = -1;
        return page;
    }
}
