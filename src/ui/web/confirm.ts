/** The confirmation every action asks for (a modal <dialog>), with Sync's prune and resource choices. */

import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Confirmation {
  title: string;
  text: string;
  /** Offer the prune option (Sync). */
  prune?: boolean;
  /** Objects the user may narrow the sync to (Sync); none chosen: all. */
  resources?: string[];
  run(o: { prune: boolean; resources?: string[] }): Promise<unknown>;
}

export function ConfirmDialog(p: { c: Confirmation; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [prune, setPrune] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const toggle = (r: string) =>
    setChosen(chosen.includes(r) ? chosen.filter((x) => x !== r) : [...chosen, r]);
  const ok = () => {
    void p.c.run({ prune, ...(chosen.length ? { resources: chosen } : {}) });
    p.onClose();
  };
  return html`<dialog ref=${ref} class="confirm" onClose=${p.onClose}>
    <h3>${p.c.title}</h3>
    <p>${p.c.text}</p>
    ${p.c.prune ? html`<label><input type="checkbox" name="prune" checked=${prune} onChange=${() => setPrune(!prune)} /> Prune (delete objects no longer in Git)</label>` : ''}
    ${
      p.c.resources?.length
        ? html`<fieldset><legend>Only these objects (none ticked: all)</legend>${p.c.resources.map(
            (r) =>
              html`<label class="res"><input type="checkbox" name="resource" value=${r} checked=${chosen.includes(r)} onChange=${() => toggle(r)} /> ${r}</label>`,
          )}</fieldset>`
        : ''
    }
    <div class="buttons">
      <button id="confirm-cancel" onClick=${p.onClose}>Cancel</button>
      <button id="confirm-ok" class="primary" onClick=${ok}>${p.c.title}</button>
    </div>
  </dialog>`;
}
