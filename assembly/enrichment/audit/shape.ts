// What makes a record a Kubernetes audit event: its shape, not one member. The API server's log
// backend writes `apiVersion: audit.k8s.io/v1`, but webhook receivers, older tools and test
// corpora (31 of Falco's 47 test events) drop it; a core `v1` Event never has an auditID, stage
// or verb. So: kind `Event`, apiVersion absent or audit.k8s.io, and auditID, stage, verb and a
// requestURI or objectRef present. Tested as conditions of the rules' own scan, so a decoded
// (AKS) or normalised (GKE) event is recognised the same way, at no extra pass.
import { ConditionScan } from "./scan";
import { ConditionSet, Op } from "./conditions";

export class EventShape {
  private readonly kindEvent: i32;
  private readonly apiVersionAudit: i32;
  private readonly apiVersionAbsent: i32;
  private readonly auditID: i32;
  private readonly stagePresent: i32;
  private readonly verb: i32;
  private readonly requestURI: i32;
  private readonly objectRef: i32;
  /** Raw content of `stage` and `auditID` (captures). */
  readonly stage: i32;
  readonly auditIDText: i32;

  constructor(set: ConditionSet) {
    this.kindEvent = set.builtIn("kind", Op.Equals, "Event");
    this.apiVersionAudit = set.builtIn("apiVersion", Op.Prefix, "audit.k8s.io/");
    this.apiVersionAbsent = set.builtIn("apiVersion", Op.Absent);
    this.auditID = set.builtIn("auditID", Op.Exists);
    this.stagePresent = set.builtIn("stage", Op.Exists);
    this.verb = set.builtIn("verb", Op.Exists);
    this.requestURI = set.builtIn("requestURI", Op.Exists);
    this.objectRef = set.builtIn("objectRef", Op.Exists);
    this.stage = set.builtIn("stage", Op.Capture);
    this.auditIDText = set.builtIn("auditID", Op.Capture);
  }

  /** Whether the record the scan just read is an audit event. */
  holds(scan: ConditionScan): bool {
    return scan.holds(this.kindEvent)
      && (scan.holds(this.apiVersionAudit) || scan.holds(this.apiVersionAbsent))
      && scan.holds(this.auditID) && scan.holds(this.stagePresent) && scan.holds(this.verb)
      && (scan.holds(this.requestURI) || scan.holds(this.objectRef));
  }
}
