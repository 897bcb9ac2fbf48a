import { Link } from 'react-router-dom';
import { documentPath, formatDocument } from '../features/serials/serial-format';

/** A serial's Source or Used On: the document's name, linked to the document when there is one. */
export function DocumentLink({ doc }: { doc: { type: string; number: string | null } | null }) {
  const path = documentPath(doc);
  const text = formatDocument(doc);
  return path ? (
    <Link to={path} onDoubleClick={(e) => e.stopPropagation()}>
      {text}
    </Link>
  ) : (
    <>{text}</>
  );
}
