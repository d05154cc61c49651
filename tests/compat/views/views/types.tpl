s={{s}} n={{n}} f={{f}} t={{t}} no={{no}} nil={{nil}} list={{list}} obj={{obj}} deep={{obj.a.b}} missing={{missing.x}}
