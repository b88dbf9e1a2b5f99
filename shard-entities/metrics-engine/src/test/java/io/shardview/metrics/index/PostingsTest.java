package io.shardview.metrics.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Set operations checked against a TreeSet model on random lists of very different sizes. */
class PostingsTest {

    @Test
    void setOperationsAgreeWithANaiveSetModel() {
        for (long seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            TreeSet<Integer> a = randomSet(rnd);
            TreeSet<Integer> b = randomSet(rnd);
            Postings pa = toPostings(a);
            Postings pb = toPostings(b);
            String where = "seed " + seed;

            TreeSet<Integer> and = new TreeSet<>(a);
            and.retainAll(b);
            TreeSet<Integer> or = new TreeSet<>(a);
            or.addAll(b);
            TreeSet<Integer> minus = new TreeSet<>(a);
            minus.removeAll(b);
            assertEquals(toPostings(and), pa.intersect(pb), where);
            assertEquals(toPostings(and), pb.intersect(pa), where);
            assertEquals(toPostings(or), pa.union(pb), where);
            assertEquals(toPostings(minus), pa.subtract(pb), where);
            for (int probe = 0; probe < 20; probe++) {
                int id = rnd.nextInt(2000);
                assertEquals(a.contains(id), pa.contains(id), where);
            }
        }
    }

    @Test
    void manyWayUnionAndIntersectionAgreeWithTheModel() {
        for (long seed = 0; seed < 100; seed++) {
            Random rnd = new Random(seed);
            int k = 1 + rnd.nextInt(7);
            List<Postings> lists = new ArrayList<>();
            TreeSet<Integer> or = new TreeSet<>();
            TreeSet<Integer> and = null;
            for (int i = 0; i < k; i++) {
                TreeSet<Integer> s = randomSet(rnd);
                lists.add(toPostings(s));
                or.addAll(s);
                if (and == null) {
                    and = new TreeSet<>(s);
                } else {
                    and.retainAll(s);
                }
            }
            assertEquals(toPostings(or), Postings.unionAll(lists), "seed " + seed);
            assertEquals(toPostings(and), Postings.intersectAll(lists), "seed " + seed);
        }
        assertEquals(Postings.EMPTY, Postings.unionAll(List.of()));
    }

    @Test
    void unsortedInputIsRejectedOrNormalised() {
        assertThrows(IllegalArgumentException.class, () -> Postings.of(3, 1));
        assertThrows(IllegalArgumentException.class, () -> Postings.of(1, 1));
        assertEquals(Postings.of(1, 3, 7), Postings.fromUnsorted(7, 3, 1, 3));
    }

    private static TreeSet<Integer> randomSet(Random rnd) {
        TreeSet<Integer> s = new TreeSet<>();
        int size = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : rnd.nextInt(rnd.nextBoolean() ? 20 : 1500);
        int range = 1 + rnd.nextInt(2000);
        for (int i = 0; i < size; i++) {
            s.add(rnd.nextInt(range));
        }
        return s;
    }

    private static Postings toPostings(TreeSet<Integer> s) {
        return Postings.of(s.stream().mapToInt(Integer::intValue).toArray());
    }
}
