import { Link, Route, Routes } from 'react-router';
import { seg } from '../api.js';
import { NewRunForm } from '../runs/NewRunForm.js';
import { RunList } from '../runs/RunList.js';
import { RunView } from '../runs/RunView.js';
import { useWorkspace } from '../workspace.js';
import '../runs/runs.css';

/**
 * Runs (issue 11 item 5): the workspace's past runs (`runs`), a new one (`runs/new`: operator+), and one run live
 * or replayed (`runs/:id`), all through the runs API (docs/SERVER.md).
 */
export function RunsPage() {
  return (
    <Routes>
      <Route index element={<RunList />} />
      <Route path="new" element={<NewRunPage />} />
      <Route path=":id" element={<RunView />} />
    </Routes>
  );
}

function NewRunPage() {
  const { name } = useWorkspace();
  return (
    <section aria-labelledby="new-run-heading">
      <p>
        <Link to={`/w/${seg(name)}/runs`}>← All runs</Link>
      </p>
      <h2 id="new-run-heading">New run</h2>
      <NewRunForm />
    </section>
  );
}
