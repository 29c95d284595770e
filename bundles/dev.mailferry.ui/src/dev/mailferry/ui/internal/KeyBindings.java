package dev.mailferry.ui.internal;

import org.eclipse.jface.action.IAction;
import org.eclipse.jface.commands.ActionHandler;
import org.eclipse.ui.IViewSite;
import org.eclipse.ui.contexts.IContextService;
import org.eclipse.ui.handlers.IHandlerService;

/**
 * The commands behind the views' keys (declared with their bindings in plugin.xml): a view binds its actions to them
 * on its own site, so a key acts on the view that has the focus and follows its action's enablement.
 */
final class KeyBindings {

    static final String CONTEXT = "dev.mailferry.ui.viewsContext";
    static final String START_PASS = "dev.mailferry.ui.startPass";
    static final String STOP_PASS = "dev.mailferry.ui.stopPass";
    static final String REFRESH = "org.eclipse.ui.file.refresh";
    static final String DELETE = "org.eclipse.ui.edit.delete";

    private KeyBindings() {
    }

    /** Turns on the Mailferry keys while the view is active. */
    static void activateContext(IViewSite site) {
        site.getService(IContextService.class).activateContext(CONTEXT);
    }

    /** Runs {@code action} on {@code commandId}'s key while the view is active; the tool tips show the key. */
    static void bind(IViewSite site, String commandId, IAction action) {
        action.setActionDefinitionId(commandId);
        site.getService(IHandlerService.class).activateHandler(commandId, new ActionHandler(action));
    }
}
