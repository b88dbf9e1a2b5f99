package io.shardview.testsupport;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * zonky's PostgreSQL binaries with {@code bin/initdb} and {@code bin/pg_ctl} replaced by a script that, run as
 * root, switches to uid/gid 65534 (nobody) before running the real program (renamed {@code *.real}).
 *
 * <p>Why: PostgreSQL refuses to run as root, the build and CI run as root, and zonky's own way around that
 * ({@code unshare -U}) fails where user namespaces are forbidden. zonky runs {@code <binaries>/bin/<name>}
 * directly and only lets us supply the archive, so the switch is put in the archive. pg_ctl, once running as
 * 65534, starts postgres as 65534; initdb runs postgres the same way. Used only as root without unshare
 * ({@link TestPostgres.Privileges#SETPRIV}); repacked once per machine and kept, so zonky, which names its
 * unpacked copy after the archive's digest, unpacks it once too.
 */
final class NobodyBinaryResolver implements PgBinaryResolver {
    static final NobodyBinaryResolver INSTANCE = new NobodyBinaryResolver();
    /** The uid and gid the server runs as: nobody and nogroup on Debian, nobody on Red Hat. */
    static final int NOBODY = 65534;

    private static final Set<String> WRAPPED = Set.of("bin/initdb", "bin/pg_ctl");
    // "cd /": PostgreSQL's programs look up the current directory when resolving their own path, and 65534 may not
    // be allowed to read the build's (e.g. under /root). The real program's path is made absolute before that.
    private static final String SCRIPT =
            """
      #!/bin/sh
      # Written by io.shardview.testsupport.NobodyBinaryResolver: PostgreSQL refuses to run as root, so as root
      # this runs the real program as uid/gid %1$d (nobody); otherwise as it is.
      real="$(cd "$(dirname "$0")" && pwd)/$(basename "$0").real"
      if [ "$(id -u)" = 0 ]; then
        command -v setpriv >/dev/null || { echo "$0: setpriv (util-linux) is needed to run PostgreSQL as root" >&2; exit 1; }
        cd / || exit 1
        exec setpriv --reuid=%1$d --regid=%1$d --clear-groups -- "$real" "$@"
      fi
      exec "$real" "$@"
      """
                    .formatted(NOBODY);

    private NobodyBinaryResolver() {}

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        byte[] original;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware)) {
            original = in.readAllBytes();
        }
        // Repacking takes 10-15 s on a busy 2-core machine, so it is done once per set of binaries and kept beside
        // zonky's unpacked copies (a file there is left alone by zonky's clean-up of stale data directories).
        Path cached = TestPostgres.workDirectory()
                .resolve("shardview-nobody-" + sha256(original).substring(0, 16) + ".txz");
        if (Files.isRegularFile(cached)) return new ByteArrayInputStream(Files.readAllBytes(cached));
        byte[] repacked = repack(original);
        Files.createDirectories(cached.getParent());
        Path partial = Files.createTempFile(cached.getParent(), "shardview-nobody-", ".partial");
        try {
            Files.write(partial, repacked);
            Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        return new ByteArrayInputStream(repacked);
    }

    private static byte[] repack(byte[] original) throws IOException {
        ByteArrayOutputStream repacked = new ByteArrayOutputStream(32 << 20);
        int wrapped = 0;
        try (TarArchiveInputStream in =
                        new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(original)));
                // Preset 0: the archive is unpacked once and thrown away; the fastest compression is the best here.
                TarArchiveOutputStream out =
                        new TarArchiveOutputStream(new XZOutputStream(repacked, new LZMA2Options(0)))) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (!WRAPPED.contains(name) || !entry.isFile()) {
                    copy(entry, in, out);
                    continue;
                }
                wrapped++;
                TarArchiveEntry real = new TarArchiveEntry(entry.getName() + ".real");
                real.setMode(entry.getMode());
                real.setSize(entry.getSize());
                real.setModTime(entry.getModTime());
                copy(real, in, out);
                byte[] script = SCRIPT.getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry wrapper = new TarArchiveEntry(entry.getName());
                wrapper.setMode(0100755);
                wrapper.setSize(script.length);
                wrapper.setModTime(entry.getModTime());
                out.putArchiveEntry(wrapper);
                out.write(script);
                out.closeArchiveEntry();
            }
        }
        if (wrapped != WRAPPED.size()) {
            throw new IOException("the PostgreSQL binaries lack one of " + WRAPPED + " (found " + wrapped + ")");
        }
        return repacked.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(TarArchiveEntry entry, TarArchiveInputStream in, TarArchiveOutputStream out)
            throws IOException {
        out.putArchiveEntry(entry);
        if (entry.isFile()) in.transferTo(out);
        out.closeArchiveEntry();
    }
}
