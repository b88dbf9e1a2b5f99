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

    /**
     * Every top-level class (a file) of the given packages is one slice, its nested classes with it; classes elsewhere
     * are ignored.
     */
    private static SliceAssignment filesOf(String... packages) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                for (String pkg : packages) {
                    if (javaClass.getPackageName().equals(pkg)) {
                        String name = javaClass.getName();
                        int nested = name.indexOf('$');
                        return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
                    }
                }
                return SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "files of " + String.join(", ", packages);
            }
        };
    }

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

    @Test
    void theEntitiesFilesReadOneWayDown() {
        slices().assignedFrom(filesOf(
                        "io.shardview.entity",
                        "io.shardview.entity.auth",
                        "io.shardview.entity.fault",
                        "io.shardview.entity.large",
                        "io.shardview.entity.metrics",
                        "io.shardview.entity.tenant"))
                .should()
                .beFreeOfCycles()
                .because("an entity's protocol is read by its state, its parts and the edge, and the behaviour's parts "
                        + "call down to them, never back")
                .check(classes);
    }

    @Test
    void theHttpEdgeSeesTheEntitiesThroughTheirProtocolsAndFaces() {
        noClasses()
                .that()
                .resideInAPackage("io.shardview.http..")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior.class)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.pekko.cluster..", "io.shardview.persistence..")
                .because("the edge parses requests and renders answers: it asks entities through their protocols and "
                        + "faces (TenantAsk, TenantIngress, ShardedAppend, ShardedQuery), which know sharding, regions "
                        + "and the journal")
                .check(classes);
    }

    @Test
    void theHttpEdgeNeitherPlansNorEvaluatesQueries() {
        noClasses()
                .that()
                .resideInAPackage("io.shardview.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.shardview.metrics.promql.distributed..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.shardview.metrics.promql.evaluation.Evaluator")
                .because("a PromQL query is planned, asked of the shards and evaluated below the edge (ShardedQuery)")
                .check(classes);
    }

    @Test
    void theNodesPartsDoNotDependOnTheNode() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.shardview.node.config..", "io.shardview.node.journal..", "io.shardview.node.membership..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.shardview.node")
                .because("the node mounts the journal tools and starts the membership machinery, not the other way; "
                        + "what they share with it, the configuration, is io.shardview.node.config")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.shardview.node.membership..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.shardview.node.journal..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.shardview.node.journal..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.shardview.node.membership..")
                .check(classes);
    }
}
