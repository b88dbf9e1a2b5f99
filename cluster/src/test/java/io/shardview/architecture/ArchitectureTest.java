package io.shardview.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of the tree that the module boundaries cannot express, checked on the main classes of every module:
 * no package cycle anywhere in our code, the engines depend on nothing of Pekko, configuration, the entities or
 * the edge, and the HTTP edge reaches the engines only through their public faces.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location ->
                        !location.contains("-tests.jar")) // the metrics engine's test classes cluster reuses
                .importPackages("io.shardview");
    }

    /** Every package of ours is one slice, a parent package included (so a parent and its child cannot cycle). */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            return pkg.startsWith("io.shardview.") ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "packages of io.shardview";
        }
    };

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(classes);
    }

    @Test
    void theEnginesArePlainJava() {
        noClasses()
                .that()
                .resideInAnyPackage("io.shardview.circuit..", "io.shardview.metrics..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.pekko..",
                        "com.typesafe.config..",
                        "io.shardview.entity..",
                        "io.shardview.persistence..",
                        "io.shardview.http..",
                        "io.shardview.node..")
                .because("the engines run inside an entity and know nothing of actors, configuration or HTTP")
                .check(classes);
    }

    @Test
    void theEnginesDoNotKnowEachOther() {
        noClasses()
                .that()
                .resideInAPackage("io.shardview.circuit..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.shardview.metrics..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.shardview.metrics..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.shardview.circuit..")
                .check(classes);
    }

    @Test
    void theHttpEdgeUsesOnlyTheEnginesPublicFaces() {
        noClasses()
                .that()
                .resideInAPackage("io.shardview.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.shardview.circuit.batch..",
                        "io.shardview.circuit.catalog..",
                        "io.shardview.circuit.compiler..",
                        "io.shardview.circuit.data..",
                        "io.shardview.circuit.operator..",
                        "io.shardview.circuit.pg..",
                        "io.shardview.circuit.plan..",
                        "io.shardview.circuit.rewrite..",
                        "io.shardview.circuit.snapshot..",
                        "io.shardview.circuit.sql..",
                        "io.shardview.circuit.table..",
                        "io.shardview.circuit.view..",
                        "io.shardview.metrics.chunk..",
                        "io.shardview.metrics.storage..")
                .because("the edge talks to entities; of the engines it sees only the circuit's facade and error "
                        + "kinds, series labels and matchers, the ingest parsers and the samples they parse")
                .check(classes);
    }
}
