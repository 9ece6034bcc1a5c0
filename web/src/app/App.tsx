import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import type { Restored } from '../auth/session';
import { RolePage } from '../admin/RolePage';
import { MyUserSettingsPage, UserPage } from '../admin/UserPage';
import { AlertRulePage } from '../alerts/rules/AlertRulePage';
import { AuthProvider } from '../auth/AuthProvider';
import { AddCustomerPage } from '../customers/AddCustomerPage';
import { CustomerProfilePage } from '../customers/CustomerProfilePage';
import { HelpPage } from '../help/HelpPage';
import { ForgotPasswordPage } from '../pages/ForgotPasswordPage';
import { InvitationPage } from '../pages/InvitationPage';
import { ResetPasswordPage } from '../pages/ResetPasswordPage';
import { SignInPage } from '../pages/SignInPage';
import { SignUpPage } from '../pages/SignUpPage';
import { VerifyEmailPage } from '../pages/VerifyEmailPage';
import { ConsentPage } from '../portal/ConsentPage';
import { ManagePage } from '../portal/ManagePage';
import { PortalPage } from '../portal/PortalPage';
import { WelcomePage } from '../portal/WelcomePage';
import { ReportWizardPage } from '../reports/wizard/ReportWizardPage';
import { CaseManagementPage } from '../support/CaseManagementPage';
import { FeedbackPage } from '../support/FeedbackPage';
import { TicketDetailPage } from '../support/TicketDetailPage';
import { AppShell } from './AppShell';
import { PublicOnly, RequireAuth, RequireCustomer, RequirePermission } from './guards';
import { APP_PAGES } from './pages';
import { PublicLayout } from './PublicLayout';

export function AppRoutes() {
  return (
    <Routes>
      <Route
        element={
          <PublicOnly>
            <PublicLayout />
          </PublicOnly>
        }
      >
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/sign-up" element={<SignUpPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      </Route>
      <Route
        element={
          <RequireAuth>
            <AppShell />
          </RequireAuth>
        }
      >
        {APP_PAGES.map(({ path, component: Page, allowed }) => (
          <Route
            key={path}
            path={path}
            element={
              <RequirePermission allowed={allowed}>
                <Page />
              </RequirePermission>
            }
          />
        ))}
        <Route
          path="/customers/new"
          element={
            <RequirePermission allowed={(can) => can.addCustomers}>
              <AddCustomerPage />
            </RequirePermission>
          }
        />
        <Route path="/customers/:customerId" element={<CustomerProfilePage />} />
        <Route path="/reports/new" element={<ReportWizardPage />} />
        <Route path="/reports/templates/:templateId" element={<ReportWizardPage />} />
        <Route
          path="/admin/users/:userId"
          element={
            <RequirePermission allowed={(can) => can.viewUsers}>
              <UserPage />
            </RequirePermission>
          }
        />
        <Route
          path="/admin/roles/:roleId"
          element={
            <RequirePermission allowed={(can) => can.viewUsers}>
              <RolePage />
            </RequirePermission>
          }
        />
        <Route
          path="/admin/alert-notifications/:ruleId"
          element={
            <RequirePermission allowed={(can) => can.viewUsers}>
              <AlertRulePage />
            </RequirePermission>
          }
        />
        <Route path="/settings/me" element={<MyUserSettingsPage />} />
        <Route path="/help" element={<HelpPage />} />
        <Route path="/help/:topicId" element={<HelpPage />} />
        {/* Case Management opens from the account menu; the help menu links /cases and /feedback too. */}
        <Route
          path="/cases"
          element={
            <RequirePermission allowed={(can) => can.supportTickets}>
              <CaseManagementPage />
            </RequirePermission>
          }
        />
        <Route
          path="/cases/:ticketId"
          element={
            <RequirePermission allowed={(can) => can.supportTickets}>
              <TicketDetailPage />
            </RequirePermission>
          }
        />
        <Route path="/feedback" element={<FeedbackPage />} />
      </Route>
      <Route element={<PublicLayout />}>
        <Route path="/welcome" element={<WelcomePage />} />
        <Route path="/invitation" element={<InvitationPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/verify-email" element={<VerifyEmailPage />} />
        <Route path="/consent/:requestId" element={<ConsentPage />} />
      </Route>
      <Route
        path="/portal"
        element={
          <RequireCustomer>
            <PortalPage />
          </RequireCustomer>
        }
      />
      <Route
        path="/manage/:customerId"
        element={
          <RequireAuth>
            <ManagePage />
          </RequireAuth>
        }
      />
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

export function App({ initialSession }: { initialSession: Promise<Restored> }) {
  return (
    <BrowserRouter>
      <AuthProvider initialSession={initialSession}>
        <AppRoutes />
      </AuthProvider>
    </BrowserRouter>
  );
}
