// The OWL API's OWL 2 DL profile check (Debian's libowlapi-java 5), for tests/ontology/test_owl_profile.py.
// Run as a single-file program: java -cp '/usr/share/java/*' OwlProfileCheck.java FILE...
// Prints one line per violation: FILE <tab> violation type <tab> datatype IRI (for a violation
// about a datatype or a typed literal, else "-") <tab> the OWL API's description.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

public class OwlProfileCheck {
    public static void main(String[] args) throws Exception {
        for (String path : args) {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(path));
            for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
                Object what = v.getExpression();
                String datatype = "-";
                if (what instanceof OWLDatatype) {
                    datatype = ((OWLDatatype) what).getIRI().toString();
                } else if (what instanceof OWLLiteral) {
                    datatype = ((OWLLiteral) what).getDatatype().getIRI().toString();
                }
                System.out.println(path + "\t" + v.getClass().getSimpleName() + "\t" + datatype + "\t"
                    + v.toString().replace('\n', ' ').replace('\t', ' '));
            }
        }
    }
}
