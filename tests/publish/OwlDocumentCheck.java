// What the OWL API (Debian's libowlapi-java 5) makes of a published document, for
// tests/publish/test_documents.py. Run as a single-file program:
//   java -cp '/usr/share/java/*' OwlDocumentCheck.java FILE...
// Prints one line per declared entity (FILE <tab> declared <tab> IRI) and per triple the parser
// could not read as OWL (FILE <tab> unparsed <tab> predicate IRI <tab> the triple).
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;

public class OwlDocumentCheck {
    public static void main(String[] args) throws Exception {
        for (String path : args) {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(path));
            for (OWLDeclarationAxiom declaration : ontology.getAxioms(AxiomType.DECLARATION)) {
                System.out.println(path + "\tdeclared\t" + declaration.getEntity().getIRI());
            }
            OWLDocumentFormat format = manager.getOntologyFormat(ontology);
            if (format == null || !format.getOntologyLoaderMetaData().isPresent()) {
                continue;
            }
            format.getOntologyLoaderMetaData().get().getUnparsedTriples().forEach(triple ->
                System.out.println(path + "\tunparsed\t" + triple.getPredicate().getIRI() + "\t"
                    + triple.toString().replace('\n', ' ').replace('\t', ' ')));
        }
    }
}
